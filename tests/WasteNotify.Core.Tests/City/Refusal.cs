using WasteNotify.Core.City;

namespace WasteNotify.Core.Tests.City;

internal static class Refusal
{
    /// <summary>Asserts that reading refuses the input, naming where, the field and (in part) the problem.</summary>
    public static void Assert(Action read, string location, string field, string problem)
    {
        var error = Xunit.Assert.Throws<ImportException>(read);

        Xunit.Assert.Equal(location, error.Location);
        Xunit.Assert.Equal(field, error.Field);
        Xunit.Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
    }
}
