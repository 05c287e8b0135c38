// PNG files written byte by byte, for inputs Skia cannot write (16-bit, palette) and for test projects without Skia.
using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;

namespace RmbgPS.Tests;

public static class PngFile
{
    /// <summary>An RGBA8 picture (colour type 6) from straight RGBA bytes.</summary>
    public static byte[] Rgba(int width, int height, byte[] rgba) =>
        Build(width, height, 8, 6, null, null, y => rgba.AsSpan(y * width * 4, width * 4).ToArray());

    /// <summary>Every row the same.</summary>
    public static byte[] Build(int width, int height, int bitDepth, int colourType, byte[]? palette, byte[] row, byte[]? transparency = null) =>
        Build(width, height, bitDepth, colourType, palette, transparency, _ => row);

    private static byte[] Build(int width, int height, int bitDepth, int colourType, byte[]? palette, byte[]? transparency, Func<int, byte[]> rowAt)
    {
        var output = new MemoryStream();
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = (byte)bitDepth;
        header[9] = (byte)colourType;
        Chunk(output, "IHDR", header);
        if (palette is not null)
            Chunk(output, "PLTE", palette);
        if (transparency is not null)
            Chunk(output, "tRNS", transparency);
        var raw = new MemoryStream();
        for (var y = 0; y < height; y++)
        {
            raw.WriteByte(0); // filter: none
            raw.Write(rowAt(y));
        }
        var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            z.Write(raw.ToArray());
        Chunk(output, "IDAT", compressed.ToArray());
        Chunk(output, "IEND", []);
        return output.ToArray();
    }

    private static void Chunk(Stream output, string type, byte[] data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        output.Write(number);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        output.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32(typed));
        output.Write(number);
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }

}
