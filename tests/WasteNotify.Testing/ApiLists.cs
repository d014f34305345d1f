using System.Net.Http.Json;
using System.Text.Json;

namespace WasteNotify.Testing;

/// <summary>The API's paged lists (<c>{items, offset, limit, total, next}</c>) as a client reads them.</summary>
public static class ApiLists
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>Every item of a list, following its <c>next</c> links.</summary>
    public static async Task<List<T>> AllAsync<T>(this HttpClient client, string url)
    {
        var items = new List<T>();
        for (string? next = url; next is not null;)
        {
            var page = await client.GetFromJsonAsync<PageOf<T>>(next, Web) ?? throw new InvalidOperationException($"{next} gave no page");
            items.AddRange(page.Items);
            next = page.Next;
        }

        return items;
    }

    /// <summary>One page as the API sends it.</summary>
    public static async Task<PageOf<T>> PageAsync<T>(this HttpClient client, string url) =>
        await client.GetFromJsonAsync<PageOf<T>>(url, Web) ?? throw new InvalidOperationException($"{url} gave no page");

    public sealed record PageOf<T>(List<T> Items, int Offset, int Limit, long Total, string? Next);
}
