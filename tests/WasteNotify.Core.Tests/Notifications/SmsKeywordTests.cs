using WasteNotify.Core.Notifications;

namespace WasteNotify.Core.Tests.Notifications;

public sealed class SmsKeywordTests
{
    [Theory]
    [InlineData("STOP")]
    [InlineData("stop")]
    [InlineData("Stop")]
    [InlineData("  STOP  ")]
    [InlineData("\nstop\r\n")]
    [InlineData("STOP.")]
    [InlineData("stop!")]
    [InlineData("Stop !")]
    [InlineData("stop!!!")]
    [InlineData("STOPALL")]
    [InlineData("unsubscribe")]
    [InlineData("Cancel")]
    [InlineData("END")]
    [InlineData("quit")]
    [InlineData("ARRET")]
    [InlineData("arret")]
    [InlineData("ARRÊT")]
    [InlineData("Arrêt.")]
    [InlineData("arrèt")]
    [InlineData("REVOKE")]
    [InlineData("optout")]
    public void Opt_out_words_are_stop(string body)
    {
        Assert.Equal(SmsKeywordKind.Stop, SmsKeyword.Parse(body));
    }

    [Theory]
    [InlineData("START")]
    [InlineData("start")]
    [InlineData(" Start! ")]
    [InlineData("YES")]
    [InlineData("yes.")]
    [InlineData("UNSTOP")]
    [InlineData("OptIn")]
    public void Opt_in_words_are_start(string body)
    {
        Assert.Equal(SmsKeywordKind.Start, SmsKeyword.Parse(body));
    }

    [Theory]
    [InlineData("HELP")]
    [InlineData("help?")]
    [InlineData("INFO")]
    [InlineData("Aide")]
    [InlineData("aide ?")]
    public void Help_words_are_help(string body)
    {
        Assert.Equal(SmsKeywordKind.Help, SmsKeyword.Parse(body));
    }

    [Theory]
    [InlineData("OUT", SmsKeywordKind.BinsOut)]
    [InlineData("out!", SmsKeywordKind.BinsOut)]
    [InlineData("Sortis", SmsKeywordKind.BinsOut)]
    [InlineData("sorties.", SmsKeywordKind.BinsOut)]
    [InlineData("IN", SmsKeywordKind.BinsIn)]
    [InlineData("Rentrés", SmsKeywordKind.BinsIn)]
    [InlineData("RENTREES !", SmsKeywordKind.BinsIn)]
    [InlineData("back", SmsKeywordKind.BinsIn)]
    public void Bins_reports_are_out_and_in(string body, SmsKeywordKind expected)
    {
        Assert.Equal(expected, SmsKeyword.Parse(body));
    }

    [Theory]
    [InlineData("bins out")]
    [InlineData("sortir")]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("!")]
    [InlineData("please stop sending")]
    [InlineData("stop please")]
    [InlineData("STOP STOP")]
    [InlineData("S T O P")]
    [InlineData("stopp")]
    [InlineData("sto")]
    [InlineData("opt out")]
    [InlineData("Arrêter")]
    [InlineData(".stop")]
    [InlineData("\"stop\"")]
    [InlineData("non")]
    [InlineData("thanks")]
    [InlineData("oui")]
    public void Anything_else_is_none(string? body)
    {
        Assert.Equal(SmsKeywordKind.None, SmsKeyword.Parse(body));
    }
}
