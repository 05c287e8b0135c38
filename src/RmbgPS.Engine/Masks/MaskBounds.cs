namespace RmbgPS.Engine.Masks;

/// <summary>A box in pixels: the subject's (<see cref="AlphaMask.Bounds"/>, alpha at least half) or what -Crop keeps (<see cref="AlphaMask.VisibleBounds"/>).</summary>
public readonly record struct MaskBounds(int X, int Y, int Width, int Height)
{
    public override string ToString() => $"{X},{Y} {Width}x{Height}";
}
