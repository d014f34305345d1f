using System.Text.RegularExpressions;

namespace WasteNotify.Service.Tests;

/// <summary>The service's folders follow the pipeline: a stage uses the ones before it, never one after, and no folders loop.</summary>
public sealed partial class LayoutTests
{
    /// <summary>The pipeline, in the order data flows; the other folders sit beside it.</summary>
    private static readonly string[] Stages = ["Ingest", "Tracking", "Eta", "Notifications", "Live", "Pilot"];

    [Fact]
    public void No_stage_uses_a_later_one_and_no_folders_depend_on_each_other_in_a_loop()
    {
        var uses = FolderDependencies();
        Assert.Contains("Ingest", uses.Keys);
        Assert.Contains("Tracking", uses["Eta"]); // the check reads the code: it sees a known dependency

        var backwards = (from stage in Stages
                         from used in uses.GetValueOrDefault(stage, [])
                         where Array.IndexOf(Stages, used) > Array.IndexOf(Stages, stage)
                         select $"{stage} → {used}").ToList();
        Assert.Empty(backwards);

        // Beside folders (City, Security, Data, Http, Operations) included: a loop anywhere is one a newcomer cannot read in order.
        var loops = uses.Keys.Where(from => Reaches(uses, from, from)).Order(StringComparer.Ordinal).ToList();
        Assert.Empty(loops);
    }

    [Fact]
    public void The_folders_are_features_the_pipeline_and_what_sits_beside_it()
    {
        var folders = Directory.GetDirectories(ServiceSource()).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")).Order(StringComparer.Ordinal);
        // www holds the pages (HTML, scripts, their npm manifest), no C#.
        Assert.Equal(["City", "Data", "Eta", "Http", "Ingest", "Live", "Notifications", "Operations", "Pilot", "Security", "Tracking", "www"], folders);
        Assert.DoesNotContain(Directory.GetFiles(Path.Combine(ServiceSource(), "www"), "*.cs", SearchOption.AllDirectories), f => !f.Contains("node_modules", StringComparison.Ordinal));
    }

    private static bool Reaches(Dictionary<string, HashSet<string>> uses, string from, string target, HashSet<string>? seen = null)
    {
        seen ??= [];
        foreach (var next in uses.GetValueOrDefault(from, []))
        {
            if (next == target || (seen.Add(next) && Reaches(uses, next, target, seen)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Folder → the service's folders its files name in a using directive.</summary>
    private static Dictionary<string, HashSet<string>> FolderDependencies()
    {
        var root = ServiceSource();
        var uses = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file).Split(Path.DirectorySeparatorChar);
            if (relative.Length < 2 || relative[0] is "bin" or "obj")
            {
                continue;
            }

            var folder = relative[0];
            var used = uses.TryGetValue(folder, out var set) ? set : uses[folder] = [];
            foreach (Match m in UsingOfService().Matches(File.ReadAllText(file)))
            {
                if (m.Groups[1].Value != folder)
                {
                    used.Add(m.Groups[1].Value);
                }
            }
        }

        return uses;
    }

    private static string ServiceSource()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WasteNotify.sln")))
            {
                return Path.Combine(dir.FullName, "src", "WasteNotify.Service");
            }
        }

        throw new InvalidOperationException("WasteNotify.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^using (?:static )?WasteNotify\.Service\.(\w+)", RegexOptions.Multiline)]
    private static partial Regex UsingOfService();
}
