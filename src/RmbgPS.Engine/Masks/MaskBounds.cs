namespace RmbgPS.Engine.Masks;

/// <summary>The subject's bounding box in pixels: where alpha is at least half.</summary>
public readonly record struct MaskBounds(int X, int Y, int Width, int Height)
{
    public override string ToString() => $"{X},{Y} {Width}x{Height}";
}
