namespace RmbgPS.Engine.Masks;

/// <summary>A box in pixels: the subject's (<see cref="AlphaMask.Bounds"/>, alpha at least half) or what -Crop keeps (<see cref="AlphaMask.CropBounds"/>).</summary>
public readonly record struct MaskBounds(int X, int Y, int Width, int Height)
{
    public int Right => X + Width;
    public int Bottom => Y + Height;

    /// <summary>The box with <paramref name="margin"/> pixels more on every side, wherever that reaches.</summary>
    public MaskBounds Grow(int margin) => new(X - margin, Y - margin, Width + 2 * margin, Height + 2 * margin);

    /// <summary>The part of the box inside a <paramref name="width"/> x <paramref name="height"/> frame.</summary>
    public MaskBounds Within(int width, int height)
    {
        var (left, top) = (Math.Max(0, X), Math.Max(0, Y));
        return new MaskBounds(left, top, Math.Min(width, Right) - left, Math.Min(height, Bottom) - top);
    }

    public override string ToString() => $"{X},{Y} {Width}x{Height}";
}
