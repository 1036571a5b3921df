using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Azure.WebJobs;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Microsoft.Azure.WebJobs.Host;
using Microsoft.Azure.WebJobs.Host.Config;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;

namespace DurableReference
{
    /// <summary>
    /// The reference Durable host: a WebJobs host with Microsoft's Durable Task extension (Azure Storage provider),
    /// whose orchestrator and activity functions are stubs (generated from the app's registrations) that forward
    /// each invocation to the app in Node over the loopback bridge. FUNCTIONS_WORKER_RUNTIME=node makes the extension
    /// drive the orchestrators through its out-of-process shim and serve its HTTP API on its local RPC listener.
    ///
    /// Settings (environment): AzureWebJobsStorage, FUNCTIONS_WORKER_RUNTIME, the app's own (e.g. the task hub name
    /// host.json refers to), and
    ///   DurableReference__HostJson    the app's host.json: its extensions.durableTask section configures the extension
    ///   DurableReference__WebhookUrl  the public webhook base, as the Functions host hands it to the extension
    ///                                 (http://127.0.0.1:PORT/runtime/webhooks/durabletask?code=SYSTEM_KEY)
    ///   DurableReference__BridgeUrl   the Node side's bridge (http://127.0.0.1:PORT/)
    ///   DurableReference__BridgeKey   the key the bridge asks for
    ///   DurableReference__LogLevel    the console's minimum level (Warning by default)
    ///   DurableReference__ParentPid   the process that started it: when that one is gone, this host stops too
    ///   DurableReference__MaximumDelayTime, DurableReference__LongRunningTimerInterval
    ///                                 TimeSpans (both or neither) the Azure Storage provider's MaximumDelayTime and
    ///                                 LongRunningTimerIntervalLength are set to (6 and 3 days otherwise): tests shrink
    ///                                 them to seconds to see long timers in real time; the extension tells the SDK
    /// Once started it prints one line `DURABLE_REFERENCE_CLIENT {json}` (the durable client binding data the
    /// extension issues, rpcBaseUrl included) and then `DURABLE_REFERENCE_READY`; SIGTERM stops it.
    /// </summary>
    public static class Program
    {
        public static async Task<int> Main()
        {
            // CONTAINER_NAME makes the extension believe it runs on Linux Consumption (event logs flood stdout).
            Environment.SetEnvironmentVariable("CONTAINER_NAME", null);
            var settings = new Dictionary<string, string?>();
            string? hostJson = Environment.GetEnvironmentVariable("DurableReference__HostJson");
            if (!string.IsNullOrEmpty(hostJson))
            {
                var durableTask = JObject.Parse(File.ReadAllText(hostJson)).SelectToken("extensions.durableTask");
                if (durableTask != null) Flatten(durableTask, "AzureWebJobs:extensions:durableTask", settings);
            }
            var logLevel = Enum.TryParse(Environment.GetEnvironmentVariable("DurableReference__LogLevel"), true, out LogLevel level)
                ? level
                : LogLevel.Warning;
            var webhook = new Uri(Required("DurableReference__WebhookUrl"));
            Bridge.Configure(new Uri(Required("DurableReference__BridgeUrl")), Required("DurableReference__BridgeKey"));

            using IHost host = new HostBuilder()
                .UseEnvironment("Development")
                .ConfigureAppConfiguration(c => c.AddInMemoryCollection(settings).AddEnvironmentVariables())
                .ConfigureWebJobs(b =>
                {
                    b.AddAzureStorageCoreServices();
                    b.AddDurableTask();
                })
                .ConfigureServices(s =>
                {
                    // Stopping drains the task hub worker and releases its leases; past this it gives up.
                    s.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
#pragma warning disable CS0618 // IWebHookProvider is obsolete, yet the Functions host still hands the extension its webhook URL through it
                    s.AddSingleton<IWebHookProvider>(new FixedWebHookProvider(webhook));
#pragma warning restore CS0618
                    s.AddSingleton<ITypeLocator>(new StubTypeLocator());
                })
                .ConfigureLogging(l =>
                {
                    l.SetMinimumLevel(logLevel);
                    l.AddSimpleConsole(o =>
                    {
                        o.SingleLine = true;
                        o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                        o.UseUtcTimestamp = true;
                    });
                })
                .UseConsoleLifetime()
                .Build();

            await host.StartAsync();
            ShrinkLongTimers(host);
            var jobHost = host.Services.GetRequiredService<IJobHost>();
            await jobHost.CallAsync(nameof(ClientBinding.DurableReferenceClient));
            Console.Out.WriteLine($"DURABLE_REFERENCE_CLIENT {ClientBinding.Data}");
            Console.Out.WriteLine("DURABLE_REFERENCE_READY");
            Console.Out.Flush();
            StopWithParent(host);
            await host.WaitForShutdownAsync();
            return 0;
        }

        /// <summary>
        /// The provider's long-timer thresholds from the settings, set on the instance the extension already uses (the
        /// factory keeps one): each orchestration reads them when it creates a timer and hands them to the SDK.
        /// </summary>
        private static void ShrinkLongTimers(IHost host)
        {
            string? maximum = Environment.GetEnvironmentVariable("DurableReference__MaximumDelayTime");
            string? interval = Environment.GetEnvironmentVariable("DurableReference__LongRunningTimerInterval");
            if (string.IsNullOrEmpty(maximum) && string.IsNullOrEmpty(interval)) return;
            if (string.IsNullOrEmpty(maximum) || string.IsNullOrEmpty(interval))
                throw new InvalidOperationException(
                    "DurableReference__MaximumDelayTime and DurableReference__LongRunningTimerInterval are set together");
            var provider = host.Services.GetServices<IDurabilityProviderFactory>()
                .Single(f => f.Name == "AzureStorage")
                .GetDurabilityProvider();
            provider.MaximumDelayTime = TimeSpan.Parse(maximum, CultureInfo.InvariantCulture);
            provider.LongRunningTimerIntervalLength = TimeSpan.Parse(interval, CultureInfo.InvariantCulture);
            Console.Out.WriteLine(
                $"DURABLE_REFERENCE_LONG_TIMERS {provider.GetType().Name} MaximumDelayTime={provider.MaximumDelayTime} " +
                $"LongRunningTimerIntervalLength={provider.LongRunningTimerIntervalLength}");
        }

        /// <summary>Stops the host once the process that started it is gone (killed without a chance to stop its children).</summary>
        private static void StopWithParent(IHost host)
        {
            if (!int.TryParse(Environment.GetEnvironmentVariable("DurableReference__ParentPid"), out int parentPid)) return;
            var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
            _ = Task.Run(async () =>
            {
                while (!lifetime.ApplicationStopping.IsCancellationRequested)
                {
                    try
                    {
                        using var parent = System.Diagnostics.Process.GetProcessById(parentPid);
                        if (parent.HasExited) break;
                    }
                    catch (ArgumentException)
                    {
                        break; // no such process
                    }
                    await Task.Delay(1000);
                }
                lifetime.StopApplication();
            });
        }

        private static string Required(string name) =>
            Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
                ? value
                : throw new InvalidOperationException($"The setting {name} is required by the reference host");

        private static void Flatten(JToken token, string prefix, IDictionary<string, string?> into)
        {
            switch (token)
            {
                case JObject obj:
                    foreach (var property in obj.Properties()) Flatten(property.Value, $"{prefix}:{property.Name}", into);
                    break;
                case JArray array:
                    for (int i = 0; i < array.Count; i++) Flatten(array[i], $"{prefix}:{i}", into);
                    break;
                default:
                    into[prefix] = ((JValue)token).Value?.ToString();
                    break;
            }
        }
    }

    /// <summary>The helper function the host invokes once at start: its client binding is what the app's functions get.</summary>
    public static class ClientBinding
    {
        public static string? Data { get; private set; }

        [NoAutomaticTrigger]
        public static void DurableReferenceClient([DurableClient] string client) => Data = client;
    }

#pragma warning disable CS0618
    /// <summary>The public webhook base the Functions host would give the extension (with the system key as `code`).</summary>
    internal sealed class FixedWebHookProvider : IWebHookProvider
    {
        private readonly Uri url;

        public FixedWebHookProvider(Uri url) => this.url = url;

        public Uri GetUrl(IExtensionConfigProvider extension) => this.url;
    }
#pragma warning restore CS0618

    /// <summary>The functions of this host: the client helper and the generated stubs.</summary>
    internal sealed class StubTypeLocator : ITypeLocator
    {
        public IReadOnlyList<Type> GetTypes() => new[] { typeof(ClientBinding), typeof(GeneratedStubs) };
    }
}
