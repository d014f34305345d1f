using System.Text.Json;

namespace WasteNotify.Testing;

/// <summary>A call the server made on the client: the target and its arguments as the JSON it sent.</summary>
public sealed record HubInvocation(string Target, IReadOnlyList<JsonElement> Arguments)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The argument at <paramref name="index"/>, read with the web defaults (camelCase), as SignalR wrote it.</summary>
    public T Argument<T>(int index) => Arguments[index].Deserialize<T>(Json)!;

    /// <summary>Target and arguments, each cut to 120 characters so a large payload does not drown an assertion message.</summary>
    public override string ToString()
    {
        var arguments = string.Join(", ", Arguments.Select(a => a.GetRawText() is { Length: > 120 } raw ? $"{raw[..120]}…({raw.Length} chars)" : a.GetRawText()));
        return $"{Target}({arguments})";
    }
}
