using System.Net;
using System.Text.Json;

namespace WasteNotify.FleetSimulator;

/// <summary>The service refused or did not answer a registration request; the message says which request and why.</summary>
internal sealed class RegistrationException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>A refusal: the request, the HTTP status and the service's problem detail (title, detail, field errors).</summary>
    public static async Task<RegistrationException> RefusedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var request = response.RequestMessage;
        var problem = new List<string>();
        var body = await response.Content.ReadAsStringAsync(ct);
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            foreach (var name in new[] { "title", "detail" })
            {
                if (root.TryGetProperty(name, out var text) && text.ValueKind == JsonValueKind.String && text.GetString() != response.ReasonPhrase)
                {
                    problem.Add(text.GetString()!);
                }
            }

            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                problem.AddRange(errors.EnumerateObject().Select(e => $"{e.Name}: {string.Join("; ", e.Value.EnumerateArray().Select(m => m.GetString()))}"));
            }
        }
        catch (JsonException)
        {
            if (body.Length > 0)
            {
                problem.Add(body.Length > 300 ? body[..300] + "..." : body);
            }
        }

        var hint = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
            ? " (--api-key must be an operator or admin key of this service's database)"
            : "";
        return new RegistrationException(
            $"{request?.Method} {request?.RequestUri} was refused: {(int)response.StatusCode} {response.ReasonPhrase}{(problem.Count > 0 ? " - " + string.Join(" - ", problem) : "")}{hint}");
    }
}
