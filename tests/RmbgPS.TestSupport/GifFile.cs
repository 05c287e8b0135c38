// GIF files written byte by byte (Skia has no GIF encoder).
using System.Collections.Generic;

namespace RmbgPS.Tests;

public static class GifFile
{
    /// <summary>A 2x2 GIF89a looping animation: frame 1 red, frame 2 blue (LZW with a clear code before the table grows).</summary>
    public static byte[] Animated(int frames = 2)
    {
        var gif = new List<byte>();
        gif.AddRange("GIF89a"u8.ToArray());
        gif.AddRange([2, 0, 2, 0, 0xF0, 0, 0]);                  // 2x2, global table of 2 colours
        gif.AddRange([255, 0, 0, 0, 0, 255]);                     // 0 red, 1 blue
        gif.AddRange([0x21, 0xFF, 11, .. "NETSCAPE2.0"u8.ToArray(), 3, 1, 0, 0, 0]);
        for (var f = 0; f < frames; f++)
        {
            gif.AddRange([0x21, 0xF9, 4, 0x04, 10, 0, 0, 0]);    // graphic control: 0.1 s, keep
            gif.AddRange([0x2C, 0, 0, 0, 0, 2, 0, 2, 0, 0]);     // image at 0,0, 2x2, no local table
            // Minimum code size 2: clear 4, end 5, codes 3 bits. Indices: clear, i, i, clear, i, i, end.
            var index = (byte)f;
            var codes = new[] { 4, index, index, 4, index, index, 5 };
            var bits = 0L;
            var count = 0;
            var data = new List<byte>();
            foreach (var code in codes)
            {
                bits |= (long)code << count;
                count += 3;
                while (count >= 8)
                {
                    data.Add((byte)bits);
                    bits >>= 8;
                    count -= 8;
                }
            }
            if (count > 0)
                data.Add((byte)bits);
            gif.Add(2);
            gif.Add((byte)data.Count);
            gif.AddRange(data);
            gif.Add(0);
        }
        gif.Add(0x3B);
        return gif.ToArray();
    }
}
