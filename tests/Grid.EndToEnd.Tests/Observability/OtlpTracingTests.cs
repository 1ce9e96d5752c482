using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using Grid.Client;
using Grid.Tests.Shared.Processes;

namespace Grid.EndToEnd.Tests.Observability;

/// <summary>
/// A real silo process exporting its spans through OTLP/HTTP (protobuf) to a small collector stand-in on loopback: the
/// spans arrive at <c>/v1/traces</c>, and the silo's batch span belongs to the trace the client started in this process
/// (its context crossed the process boundary in Orleans' request context).
/// </summary>
public sealed class OtlpTracingTests
{
    [Fact]
    public async Task A_silo_exports_its_spans_over_otlp_http_in_the_trace_of_the_client_that_called_it()
    {
        await using var collector = OtlpCollector.Start();
        await using var silo = await SiloProcess.StartAsync(redis: null, new Dictionary<string, string>
        {
            ["Grid__Telemetry__Otlp__Endpoint"] = collector.Address,
            ["Grid__Telemetry__Otlp__Protocol"] = "http/protobuf",
            // The batch span processor exports every 5 s by default; the test need not wait that long.
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        });
        await using var client = await ClientHost.StartAsync(o => o.Clustering.Gateways = [silo.Gateway]);

        using var app = new ActivitySource("Grid.EndToEnd.Tests.App");
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is GridTracing.SourceName || source == app,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        ActivityTraceId trace;
        using (var request = app.StartActivity("request", ActivityKind.Server)!)
        {
            trace = request.TraceId;
            await client.Cache.SetStringAsync("otlp:traced", "v");
        }

        // OTLP carries trace ids as their 16 raw bytes.
        var traceBytes = new byte[16];
        trace.CopyTo(traceBytes);
        var body = await collector.WaitForAsync(
            body => Contains(body, traceBytes) && Contains(body, Encoding.UTF8.GetBytes(GridTracing.BatchExecute)),
            TimeSpan.FromSeconds(30));


        // The partition span (the batch span's child) ends first, so an export tick between the two puts it in an
        // earlier post than its batch span: any post of the trace may carry it.
        await collector.WaitForAsync(
            body => Contains(body, traceBytes) && Contains(body, Encoding.UTF8.GetBytes(GridTracing.PartitionExecute)),
            TimeSpan.FromSeconds(30));
        Assert.True(Contains(body, Encoding.UTF8.GetBytes("grid-silo")), "the spans name their service");
        Assert.Equal(0, await silo.Process.StopAsync(TimeSpan.FromSeconds(30)));
    }

    private static bool Contains(byte[] body, byte[] part) => body.AsSpan().IndexOf(part) >= 0;

    /// <summary>Accepts OTLP/HTTP posts to <c>/v1/traces</c> on a loopback port and keeps their bodies.</summary>
    private sealed class OtlpCollector : IAsyncDisposable
    {
        private readonly HttpListener _http = new();
        private readonly ConcurrentQueue<byte[]> _bodies = new();
        private readonly Task _serving;

        private OtlpCollector(int port)
        {
            Address = $"http://127.0.0.1:{port}";
            _http.Prefixes.Add(Address + "/");
            _http.Start();
            _serving = ServeAsync();
        }

        public string Address { get; }

        public static OtlpCollector Start() => new(FreePort.Next());

        /// <summary>The first body posted to <c>/v1/traces</c> that <paramref name="match"/> accepts.</summary>
        public async Task<byte[]> WaitForAsync(Func<byte[], bool> match, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                foreach (var body in _bodies)
                {
                    if (match(body))
                    {
                        return body;
                    }
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"No matching OTLP export arrived within {timeout} ({_bodies.Count} posts to /v1/traces).");
                }

                await Task.Delay(50);
            }
        }

        private async Task ServeAsync()
        {
            while (_http.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _http.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                using (var buffer = new MemoryStream())
                {
                    await context.Request.InputStream.CopyToAsync(buffer);
                    if (context.Request.HttpMethod == "POST" && context.Request.Url?.AbsolutePath == "/v1/traces")
                    {
                        _bodies.Enqueue(buffer.ToArray());
                    }
                }

                // An empty body is an empty ExportTraceServiceResponse: everything accepted.
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.Close();
            }
        }

        public async ValueTask DisposeAsync()
        {
            _http.Stop();
            _http.Close();
            await _serving;
        }
    }
}
