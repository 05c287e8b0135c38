using System.Text;

namespace RmbgPS.Engine.Models;

/// <summary>
/// What an .onnx file says of itself without loading it: its inputs' and outputs' names, its first image input's
/// shape and its metadata, read from the protobuf by skipping every field but those (the weights are skipped by their
/// length, so a 1 GB model is read in a few reads). Enough to tell a model's family and input size before deciding
/// whether it fits in memory (<c>ModelMemory</c>).
/// </summary>
public static class OnnxHeader
{
    // onnx.proto field numbers.
    private const int ModelGraph = 7, ModelMetadata = 14;
    private const int GraphInput = 11, GraphOutput = 12, GraphInitializer = 5;
    private const int ValueName = 1, ValueType = 2, TypeTensor = 1, TensorShape = 2, ShapeDim = 1, DimValue = 1;
    private const int EntryKey = 1, EntryValue = 2, InitializerName = 8;

    /// <summary>The facts, or null when the file is not an ONNX model this reader understands (ONNX Runtime will say why).</summary>
    public static ModelFacts? TryRead(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
            var inputs = new List<(string Name, int[] Dims)>();
            var outputs = new List<string>();
            var initializers = new HashSet<string>();
            var metadata = new Dictionary<string, string>();
            ForEachField(file, file.Length, (field, length) =>
            {
                if (field == ModelGraph)
                    ForEachField(file, file.Position + length, (graphField, graphLength) =>
                    {
                        var end = file.Position + graphLength;
                        switch (graphField)
                        {
                            case GraphInput: inputs.Add(ReadValueInfo(file, end)); break;
                            case GraphOutput: outputs.Add(ReadValueInfo(file, end).Name); break;
                            case GraphInitializer: initializers.Add(ReadString(file, end, InitializerName) ?? ""); break;
                            default: return false;
                        }
                        return true;
                    });
                else if (field == ModelMetadata)
                {
                    var end = file.Position + length;
                    string? key = null, value = null;
                    ForEachField(file, end, (entryField, entryLength) =>
                    {
                        if (entryField is not (EntryKey or EntryValue))
                            return false;
                        var text = ReadUtf8(file, entryLength);
                        if (entryField == EntryKey) key = text; else value = text;
                        return true;
                    });
                    if (key is not null && value is not null)
                        metadata[key] = value;
                }
                else
                    return false;
                return true;
            });
            // Older exports list the weights among the inputs: the picture is the first input that is not one.
            var real = inputs.Where(i => !initializers.Contains(i.Name)).ToList();
            if (real.Count == 0)
                return null;
            return new ModelFacts(path, real.Select(i => i.Name).ToArray(), outputs, metadata, Descriptor: null) // the file's own facts only
            {
                InputDimensions = real[0].Dims,
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or EndOfStreamException or OverflowException)
        {
            return null;
        }
    }

    private static (string Name, int[] Dims) ReadValueInfo(Stream file, long end)
    {
        string name = "";
        var dims = new List<int>();
        ForEachField(file, end, (field, length) =>
        {
            if (field == ValueName)
                name = ReadUtf8(file, length);
            else if (field == ValueType)
                ForEachField(file, file.Position + length, (typeField, typeLength) => typeField == TypeTensor &&
                    ForEachField(file, file.Position + typeLength, (tensorField, tensorLength) => tensorField == TensorShape &&
                        ForEachField(file, file.Position + tensorLength, (shapeField, shapeLength) =>
                        {
                            if (shapeField != ShapeDim)
                                return false;
                            long size = -1; // a named or unknown dimension is free
                            ForEachField(file, file.Position + shapeLength, (dimField, _) => false, (dimField, varint) =>
                            {
                                if (dimField == DimValue)
                                    size = varint;
                            });
                            dims.Add(size is > 0 and <= int.MaxValue ? (int)size : -1);
                            return true;
                        })));
            else
                return false;
            return true;
        });
        return (name, dims.ToArray());
    }

    private static string? ReadString(Stream file, long end, int wanted)
    {
        string? found = null;
        ForEachField(file, end, (field, length) =>
        {
            if (field != wanted)
                return false;
            found = ReadUtf8(file, length);
            return true;
        });
        return found;
    }

    /// <summary>
    /// Walks the fields up to <paramref name="end"/>, leaving the stream there: <paramref name="delimited"/> gets each
    /// length-delimited field positioned at its content and says whether it read it (else it is skipped by its length);
    /// <paramref name="varints"/>, if given, gets each varint field.
    /// </summary>
    private static bool ForEachField(Stream file, long end, Func<int, long, bool> delimited, Action<int, long>? varints = null)
    {
        while (file.Position < end)
        {
            var key = ReadVarint(file);
            var (field, wire) = ((int)(key >> 3), (int)(key & 7));
            switch (wire)
            {
                case 0:
                    var value = ReadVarint(file);
                    varints?.Invoke(field, value);
                    break;
                case 1: file.Seek(8, SeekOrigin.Current); break;
                case 5: file.Seek(4, SeekOrigin.Current); break;
                case 2:
                    var length = ReadVarint(file);
                    var next = file.Position + length;
                    if (length < 0 || next > end)
                        throw new InvalidDataException("A field runs past its message.");
                    if (!delimited(field, length) || file.Position != next)
                        file.Seek(next, SeekOrigin.Begin);
                    break;
                default:
                    throw new InvalidDataException($"Wire type {wire} is not one ONNX uses.");
            }
        }
        file.Seek(end, SeekOrigin.Begin);
        return true;
    }

    private static long ReadVarint(Stream file)
    {
        long value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = file.ReadByte();
            if (b < 0)
                throw new EndOfStreamException();
            value |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                return value;
        }
        throw new InvalidDataException("A varint longer than 64 bits.");
    }

    private static string ReadUtf8(Stream file, long length)
    {
        if (length > 1 << 20)
            throw new InvalidDataException("A name longer than a megabyte.");
        var bytes = new byte[length];
        file.ReadExactly(bytes);
        return Encoding.UTF8.GetString(bytes);
    }
}
