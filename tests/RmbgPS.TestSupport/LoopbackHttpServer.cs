// A real HTTP/1.1 server on 127.0.0.1 that stands in for Hugging Face and GitHub in the download tests:
// it serves files with Range/If-Range, and can cut the connection, stall, or answer any status.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace RmbgPS.Tests;

public sealed record HttpRequestInfo(string Method, string Path, IReadOnlyDictionary<string, string> Headers)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>What the server sends back for one request.</summary>
public sealed class ResponsePlan
{
    public int Status { get; init; } = 200;
    public string Reason { get; init; } = "OK";
    public Dictionary<string, string> Headers { get; init; } = new(StringComparer.OrdinalIgnoreCase);
    public byte[] Body { get; init; } = [];
    /// <summary>The Content-Length to announce when it should differ from the body's (a server that claims a huge file).</summary>
    public long? DeclaredLength { get; init; }
    /// <summary>Send only this many body bytes, then drop the connection (a cut download).</summary>
    public int? CutAfter { get; init; }
    /// <summary>After the headers and <see cref="CutAfter"/> bytes (or none), go silent this long.</summary>
    public TimeSpan Stall { get; init; }

    public static ResponsePlan Respond(int status, string reason, params (string Name, string Value)[] headers) =>
        new() { Status = status, Reason = reason, Headers = headers.ToDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase) };

    /// <summary>A file served the way a CDN serves it: 200, or 206 for a Range (honouring If-Range), or 416.</summary>
    public static ResponsePlan File(byte[] data, HttpRequestInfo request, string etag = "\"v1\"", int? cutAfter = null, TimeSpan stall = default)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["ETag"] = etag, ["Accept-Ranges"] = "bytes" };
        var range = request.Header("Range");
        var ifRange = request.Header("If-Range");
        if (range is not null && range.StartsWith("bytes=", StringComparison.Ordinal) && (ifRange is null || ifRange == etag))
        {
            var from = long.Parse(range[6..].TrimEnd('-'), CultureInfo.InvariantCulture);
            if (from >= data.Length)
            {
                headers["Content-Range"] = $"bytes */{data.Length}";
                return new ResponsePlan { Status = 416, Reason = "Range Not Satisfiable", Headers = headers };
            }
            headers["Content-Range"] = $"bytes {from}-{data.Length - 1}/{data.Length}";
            return new ResponsePlan { Status = 206, Reason = "Partial Content", Headers = headers, Body = data[(int)from..], CutAfter = cutAfter, Stall = stall };
        }
        return new ResponsePlan { Headers = headers, Body = data, CutAfter = cutAfter, Stall = stall };
    }
}

public sealed class LoopbackHttpServer : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly Func<HttpRequestInfo, ResponsePlan> handler;
    private readonly CancellationTokenSource stop = new();
    private readonly List<HttpRequestInfo> requests = [];
    private readonly Task acceptLoop;

    public LoopbackHttpServer(Func<HttpRequestInfo, ResponsePlan> handler)
    {
        this.handler = handler;
        listener.Start();
        acceptLoop = Task.Run(AcceptAsync);
    }

    public Uri BaseUri => new($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");

    public Uri Url(string path) => new(BaseUri, path.TrimStart('/'));

    public IReadOnlyList<HttpRequestInfo> Requests
    {
        get { lock (requests) return requests.ToList(); }
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var request = await ReadRequestAsync(stream);
            if (request is null)
                return;
            lock (requests) requests.Add(request);
            var plan = handler(request);

            var head = new StringBuilder($"HTTP/1.1 {plan.Status} {plan.Reason}\r\n");
            foreach (var (name, value) in plan.Headers)
                head.Append($"{name}: {value}\r\n");
            head.Append($"Content-Length: {plan.DeclaredLength ?? plan.Body.Length}\r\nConnection: close\r\n\r\n");
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), stop.Token);

            var send = Math.Min(plan.CutAfter ?? plan.Body.Length, plan.Body.Length);
            await stream.WriteAsync(plan.Body.AsMemory(0, send), stop.Token);
            await stream.FlushAsync(stop.Token);
            if (plan.Stall > TimeSpan.Zero)
                await Task.Delay(plan.Stall, stop.Token);
            if (plan.CutAfter is not null)
                client.Client.LingerState = new LingerOption(true, 0); // RST: the connection is cut, not closed politely
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private static async Task<HttpRequestInfo?> ReadRequestAsync(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (buffer.Count < 65536)
        {
            if (await stream.ReadAsync(one) == 0)
                return null;
            buffer.Add(one[0]);
            if (buffer.Count >= 4 && buffer[^1] == '\n' && buffer[^2] == '\r' && buffer[^3] == '\n' && buffer[^4] == '\r')
                break;
        }
        var lines = Encoding.ASCII.GetString(buffer.ToArray()).Split("\r\n");
        var first = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1).Where(l => l.Contains(':')))
            headers[line[..line.IndexOf(':')].Trim()] = line[(line.IndexOf(':') + 1)..].Trim();
        return new HttpRequestInfo(first[0], Uri.UnescapeDataString(first[1]), headers);
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        try { acceptLoop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        stop.Dispose();
    }
}
