// Builds tiny ONNX models in-process so tests never depend on downloaded weights
// or on the Python onnx package. The graph is a single 1x1 Conv (a per-pixel
// weighted sum of the RGB channels plus a bias), which makes expected outputs
// trivial to compute while still exercising real ONNX Runtime loading.
//
// Field numbers follow onnx/onnx.proto (proto2). They are frozen by the ONNX
// compatibility rules, so hard-coding them here is safe.
using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace RmbgPS.Tests.Onnx;

public sealed class SyntheticModelSpec
{
    /// <summary>
    /// Red is the subject, exactly: ISNet normalises v to v/256 - 0.5, and this model maps that back to v/255,
    /// so the output is the red channel / 255. The profile is named in the metadata.
    /// </summary>
    public static SyntheticModelSpec IsnetRed(int size = 1024) => new()
    {
        Size = size,
        ChannelWeights = [256f / 255f, 0, 0],
        Bias = 128f / 255f,
        Metadata = { ["rmbg.profile"] = "ISNet" },
    };

    public string InputName = "input";
    public string OutputName = "output";
    /// <summary>H and W of the input [1,3,Size,Size] and main output [1,1,Size,Size].</summary>
    public int Size = 1024;
    /// <summary>Declare H and W as symbolic dims ("height", "width") so any spatial size is accepted.</summary>
    public bool DynamicSpatial = false;
    /// <summary>1x1 Conv weights over the 3 input channels.</summary>
    public float[] ChannelWeights = { 1f, 0f, 0f };
    public float Bias = 0f;
    /// <summary>Adds outputs "d1" and "d2" ahead of the main one, mimicking multi-head models
    /// where the mask is not output #0.</summary>
    public bool ExtraOutputs = false;
    /// <summary>Main output becomes [1,Size,Size] (channel axis squeezed away).</summary>
    public bool OutputWithoutChannelAxis = false;
    /// <summary>Written to ModelProto.metadata_props (ORT exposes it as CustomMetadataMap).</summary>
    public Dictionary<string, string> Metadata = new();
    /// <summary>Main output is cast to float16.</summary>
    public bool Float16Output = false;
    /// <summary>Declares the batch axis as symbolic ("batch"), so several images can run as one tensor.</summary>
    public bool DynamicBatch = false;
    /// <summary>Adds an initializer no node uses: ONNX Runtime logs a warning ("Removing initializer") when it loads the model.</summary>
    public bool UnusedInitializer = false;
}

public static class SyntheticModel
{
    // TensorProto.DataType values.
    private const int Float = 1, Int64 = 7, Float16 = 10;
    // AttributeProto.AttributeType.INT
    private const int AttrInt = 2;

    public static string Write(string path, SyntheticModelSpec spec)
    {
        File.WriteAllBytes(path, Build(spec));
        return path;
    }

    public static byte[] Build(SyntheticModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.ChannelWeights is not { Length: 3 })
            throw new ArgumentException("ChannelWeights must have exactly 3 values.", nameof(spec));
        if (spec.Size <= 0 && !spec.DynamicSpatial)
            throw new ArgumentException("Size must be positive.", nameof(spec));

        var model = new ProtoWriter();
        model.Varint(1, 8);                                   // ir_version
        model.String(2, "RmbgPS.Tests");                      // producer_name
        model.Message(7, g => WriteGraph(g, spec));           // graph
        model.Message(8, op => op.Varint(2, 17));             // opset_import { version } (default domain)
        foreach (var (key, value) in spec.Metadata)
            model.Message(14, kv => { kv.String(1, key); kv.String(2, value); }); // metadata_props
        return model.ToArray();
    }

    private static void WriteGraph(ProtoWriter g, SyntheticModelSpec spec)
    {
        // Object-typed dims: either a long (dim_value) or a string (dim_param).
        object h = spec.DynamicSpatial ? "height" : (long)spec.Size;
        object w = spec.DynamicSpatial ? "width" : (long)spec.Size;
        object n = spec.DynamicBatch ? "batch" : 1L;

        // The final op in the chain must write OutputName; intermediates get
        // fixed internal names so the user-chosen names cannot collide with them.
        bool castStep = spec.Float16Output, squeezeStep = spec.OutputWithoutChannelAxis;
        string convOut = castStep || squeezeStep ? "conv_out" : spec.OutputName;
        string castOut = squeezeStep ? "cast_out" : spec.OutputName;

        g.Message(1, n => Node(n, "Conv", new[] { spec.InputName, "W", "B" }, convOut));
        if (castStep)
            g.Message(1, n =>
            {
                Node(n, "Cast", new[] { convOut }, castOut);
                n.Message(5, a => { a.String(1, "to"); a.Varint(20, AttrInt); a.Varint(3, Float16); });
            });
        if (squeezeStep)
            // Since opset 13 Squeeze takes its axes as an input tensor, not an attribute.
            g.Message(1, n => Node(n, "Squeeze", new[] { castStep ? castOut : convOut, "squeeze_axes" }, spec.OutputName));
        if (spec.ExtraOutputs)
        {
            g.Message(1, n => Node(n, "Identity", new[] { convOut }, "d1"));
            g.Message(1, n => Node(n, "Identity", new[] { convOut }, "d2"));
        }

        g.String(2, "rmbgps_synthetic");                     // name

        var weightBytes = new byte[12];
        for (int i = 0; i < 3; i++)
            BinaryPrimitives.WriteSingleLittleEndian(weightBytes.AsSpan(i * 4), spec.ChannelWeights[i]);
        var biasBytes = new byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(biasBytes, spec.Bias);
        g.Message(5, t => Tensor(t, "W", Float, new long[] { 1, 3, 1, 1 }, weightBytes));
        g.Message(5, t => Tensor(t, "B", Float, new long[] { 1 }, biasBytes));
        if (spec.UnusedInitializer)
            g.Message(5, t => Tensor(t, "unused", Float, new long[] { 1 }, biasBytes));
        if (squeezeStep)
        {
            var axes = new byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(axes, 1);
            g.Message(5, t => Tensor(t, "squeeze_axes", Int64, new long[] { 1 }, axes));
        }

        // Initializers are deliberately NOT listed as graph inputs (allowed since
        // IR v4); otherwise ORT would report W/B in InputMetadata as overridable inputs.
        g.Message(11, v => ValueInfo(v, spec.InputName, Float, n, 3L, h, w));
        if (spec.ExtraOutputs)
        {
            g.Message(12, v => ValueInfo(v, "d1", Float, n, 1L, h, w));
            g.Message(12, v => ValueInfo(v, "d2", Float, n, 1L, h, w));
        }
        int mainType = castStep ? Float16 : Float;
        if (squeezeStep)
            g.Message(12, v => ValueInfo(v, spec.OutputName, mainType, n, h, w));
        else
            g.Message(12, v => ValueInfo(v, spec.OutputName, mainType, n, 1L, h, w));
    }

    // NodeProto: input = 1, output = 2, name = 3, op_type = 4.
    private static void Node(ProtoWriter n, string opType, string[] inputs, string output)
    {
        foreach (var i in inputs) n.String(1, i);
        n.String(2, output);
        n.String(3, $"{opType}_{output}");
        n.String(4, opType);
    }

    // TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9.
    private static void Tensor(ProtoWriter t, string name, int dataType, long[] dims, byte[] rawLittleEndian)
    {
        foreach (var d in dims) t.Varint(1, (ulong)d);
        t.Varint(2, (ulong)dataType);
        t.String(8, name);
        t.Bytes(9, rawLittleEndian);
    }

    // ValueInfoProto { name = 1, type = 2 { tensor_type = 1 { elem_type = 1, shape = 2 { dim = 1 } } } }
    private static void ValueInfo(ProtoWriter v, string name, int elemType, params object[] dims)
    {
        v.String(1, name);
        v.Message(2, type => type.Message(1, tensor =>
        {
            tensor.Varint(1, (ulong)elemType);
            tensor.Message(2, shape =>
            {
                foreach (var d in dims)
                    shape.Message(1, dim =>
                    {
                        if (d is string param) dim.String(2, param); // dim_param
                        else dim.Varint(1, (ulong)(long)d);         // dim_value
                    });
            });
        }));
    }

    /// <summary>
    /// Just enough of the protobuf wire format for ONNX: varints (wire type 0) and
    /// length-delimited fields (wire type 2). Nested messages are serialised into a
    /// child buffer first because their length prefix must precede their bytes.
    /// </summary>
    private sealed class ProtoWriter
    {
        private readonly MemoryStream _buf = new();

        public byte[] ToArray() => _buf.ToArray();

        // Negative int64 values are encoded as their 10-byte two's-complement varint,
        // which the (ulong) cast at the call sites already produces.
        public void Varint(int field, ulong value)
        {
            Tag(field, 0);
            RawVarint(value);
        }

        public void Bytes(int field, ReadOnlySpan<byte> data)
        {
            Tag(field, 2);
            RawVarint((ulong)data.Length);
            _buf.Write(data);
        }

        public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public void Message(int field, Action<ProtoWriter> body)
        {
            var child = new ProtoWriter();
            body(child);
            Bytes(field, child._buf.GetBuffer().AsSpan(0, (int)child._buf.Length));
        }

        private void Tag(int field, int wireType) => RawVarint(((ulong)field << 3) | (uint)wireType);

        private void RawVarint(ulong value)
        {
            while (value >= 0x80)
            {
                _buf.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }
            _buf.WriteByte((byte)value);
        }
    }
}
