namespace WasteNotify.Testing;

/// <summary>
/// The real data beside the repository in ../shared/data (OpenStreetMap extracts, truck traces, stop sets).
/// A fresh clone has none: tests that need it skip with a message saying so.
/// </summary>
public static class SharedData
{
    public static string? Root { get; } = Find();

    /// <summary>The full path of a shared data file, or null when it is not beside this checkout.</summary>
    public static string? PathOf(string relativePath)
    {
        var path = Root is null ? null : Path.Combine(Root, relativePath);
        return path is not null && File.Exists(path) ? path : null;
    }

#if XUNIT
    /// <summary>The full path of a shared data file, or a skip of the calling test when it is absent.</summary>
    public static string Require(string relativePath)
    {
        var path = PathOf(relativePath);
        if (path is null)
        {
            Assert.Skip($"needs ../shared/data/{relativePath}, which is not beside this checkout");
        }

        return path;
    }
#endif

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WasteNotify.sln")))
            {
                var shared = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data"));
                return Directory.Exists(shared) ? shared : null;
            }
        }

        return null;
    }
}
