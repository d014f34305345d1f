using System.Runtime.InteropServices;

namespace WasteNotify.Service;

/// <summary>
/// Runs a command-line verb with a token that Ctrl+C (SIGINT) and SIGTERM cancel, so an import or training stops
/// at its next await instead of being killed mid-write; a second Ctrl+C is left to the runtime and kills it.
/// </summary>
public static class CommandCancellation
{
    /// <summary>The exit code of a verb stopped by a signal (128 + SIGINT, as shells report it).</summary>
    public const int CancelledExitCode = 130;

    public static async Task<int> RunAsync(Func<CancellationToken, Task<int>> verb, TextWriter error)
    {
        using var cancellation = new CancellationTokenSource();
        void Cancel(PosixSignalContext context)
        {
            if (cancellation.IsCancellationRequested)
            {
                return; // the second signal: let the runtime end the process
            }

            context.Cancel = true;
            cancellation.Cancel();
        }

        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
        return await RunAsync(verb, error, cancellation.Token);
    }

    /// <summary>Runs <paramref name="verb"/> with <paramref name="ct"/>; a cancellation it ends with is reported, not thrown.</summary>
    public static async Task<int> RunAsync(Func<CancellationToken, Task<int>> verb, TextWriter error, CancellationToken ct)
    {
        try
        {
            return await verb(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await error.WriteLineAsync("cancelled by a signal before the end");
            return CancelledExitCode;
        }
    }
}
