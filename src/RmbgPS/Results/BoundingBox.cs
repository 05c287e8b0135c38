using RmbgPS.Engine.Masks;

namespace RmbgPS;

/// <summary>The subject's bounding box in pixels (where alpha is at least half).</summary>
public sealed record BoundingBox(int X, int Y, int Width, int Height)
{
    internal static BoundingBox? From(Engine.Masks.MaskBounds? bounds) =>
        bounds is { } b ? new BoundingBox(b.X, b.Y, b.Width, b.Height) : null;

    public override string ToString() => $"{X},{Y} {Width}x{Height}";
}
