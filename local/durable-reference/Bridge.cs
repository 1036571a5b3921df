using System;
using System.Diagnostics;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;

namespace DurableReference
{
    /// <summary>
    /// The stubs' way to the app in Node (the local host in its reference mode), over loopback HTTP:
    ///   POST {bridge}orchestrations/{name}  body: the context JSON the extension's shim hands the stub
    ///                                        200: the SDK's orchestrator state JSON
    ///   POST {bridge}activities/{name}      body: the activity's input as the extension binds it to a string
    ///                                        (header x-durable-reference-input: null when there is none)
    ///                                        200: the result as JSON; 204: no result
    ///   422 from either: the function threw; body {"message", "stack"}, which the stub throws on in the form the
    ///   Functions host gives a worker's failure (Result: Failure / Exception: / Stack:), so the extension reads it
    ///   as it reads the Node worker's (the orchestrator's $OutOfProcData$ state included).
    /// Until the bridge listens (the Node side starting or restarting), calls wait for it, up to a minute.
    /// </summary>
    public static class Bridge
    {
        private static readonly HttpClient Http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        private static readonly TimeSpan WaitForBridge = TimeSpan.FromMinutes(1);
        private static Uri? baseUrl;
        private static string key = string.Empty;

        public static void Configure(Uri bridgeUrl, string bridgeKey)
        {
            baseUrl = bridgeUrl;
            key = bridgeKey;
        }

        /// <summary>
        /// Runs an orchestrator episode in Node. Synchronous on purpose: the extension blocks its orchestration thread
        /// on an out-of-process orchestrator's result, and the orchestrator must not await I/O on that thread.
        /// </summary>
        public static string Orchestrate(string name, string context)
        {
            using HttpResponseMessage response = Send(() => Request("orchestrations", name, context), send: r => Http.Send(r));
            string body = ReadBody(response);
            if ((int)response.StatusCode == 200) return body;
            throw Failure("orchestrator", name, response, body);
        }

        /// <summary>Runs an activity in Node; the result goes back as JSON (null when the function returned nothing).</summary>
        public static async Task<JToken?> RunActivity(string name, string? input)
        {
            using HttpResponseMessage response = await SendAsync(() =>
            {
                var request = Request("activities", name, input ?? string.Empty);
                if (input == null) request.Headers.Add("x-durable-reference-input", "null");
                return request;
            }).ConfigureAwait(false);
            string body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            if ((int)response.StatusCode == 204) return null;
            if ((int)response.StatusCode == 200) return JToken.Parse(body);
            throw Failure("activity", name, response, body);
        }

        private static HttpRequestMessage Request(string kind, string name, string body)
        {
            if (baseUrl == null) throw new InvalidOperationException("The bridge is not configured");
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, $"{kind}/{Uri.EscapeDataString(name)}"))
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("x-durable-reference-key", key);
            return request;
        }

        private static HttpResponseMessage Send(Func<HttpRequestMessage> request, Func<HttpRequestMessage, HttpResponseMessage> send)
        {
            var waited = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    return send(request());
                }
                catch (HttpRequestException e) when (e.InnerException is SocketException && waited.Elapsed < WaitForBridge)
                {
                    Thread.Sleep(250);
                }
            }
        }

        private static async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> request)
        {
            var waited = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    return await Http.SendAsync(request()).ConfigureAwait(false);
                }
                catch (HttpRequestException e) when (e.InnerException is SocketException && waited.Elapsed < WaitForBridge)
                {
                    await Task.Delay(250).ConfigureAwait(false);
                }
            }
        }

        private static string ReadBody(HttpResponseMessage response)
        {
            using var reader = new System.IO.StreamReader(response.Content.ReadAsStream(), Encoding.UTF8);
            return reader.ReadToEnd();
        }

        private static Exception Failure(string kind, string name, HttpResponseMessage response, string body)
        {
            if ((int)response.StatusCode == 422)
            {
                var failure = JObject.Parse(body);
                string message = (string?)failure["message"] ?? string.Empty;
                string stack = (string?)failure["stack"] ?? string.Empty;
                // The Functions host's text for a worker's failed invocation (its RpcException).
                return new Exception($"Result: Failure\nException: {message}\nStack: {stack}");
            }
            return new InvalidOperationException(
                $"The bridge answered HTTP {(int)response.StatusCode} to the {kind} '{name}': {body}");
        }
    }
}
