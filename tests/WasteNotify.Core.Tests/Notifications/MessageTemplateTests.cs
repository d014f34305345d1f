using WasteNotify.Core.Notifications;

namespace WasteNotify.Core.Tests.Notifications;

public sealed class MessageTemplateTests
{
    private static readonly Dictionary<string, string> Values = new()
    {
        [TemplatePlaceholders.Building] = "12 rue de la Paix",
        [TemplatePlaceholders.Minutes] = "15",
        [TemplatePlaceholders.Time] = "07:45",
        [TemplatePlaceholders.Delay] = "20",
    };

    [Theory]
    [InlineData("Truck at {building} in {minutes} min", "Truck at 12 rue de la Paix in 15 min")]
    [InlineData("{time}", "07:45")]
    [InlineData("{delay}{delay} min late", "2020 min late")]
    [InlineData("At {building}: {time} ({delay} min late, {minutes} min to go)", "At 12 rue de la Paix: 07:45 (20 min late, 15 min to go)")]
    [InlineData("No placeholder at all.", "No placeholder at all.")]
    public void Placeholders_are_replaced_by_their_values(string text, string rendered)
    {
        Assert.Equal(rendered, MessageTemplate.Parse(text).Render(Values));
    }

    [Fact]
    public void Placeholders_are_listed_once_in_order_of_first_use()
    {
        var template = MessageTemplate.Parse("{time} at {building}, {time} again, {minutes}");

        Assert.Equal(["time", "building", "minutes"], template.Placeholders);
        Assert.Empty(MessageTemplate.Parse("Nothing to fill in").Placeholders);
    }

    [Theory]
    [InlineData("", "The message is empty.")]
    [InlineData("  \n ", "The message is empty.")]
    [InlineData("Hello {name}", "Unknown placeholder {name} at position 7; the known ones are {building}, {minutes}, {time}, {delay}.")]
    [InlineData("At {Building}", "Unknown placeholder {Building} at position 4 (did you mean {building}?)")]
    [InlineData("At { building }", "Unknown placeholder { building } at position 4 (did you mean {building}?)")]
    [InlineData("Empty {} here", "Unknown placeholder {} at position 7")]
    [InlineData("At {building", "The '{' at position 4 is never closed")]
    [InlineData("At building}", "The '}' at position 12 closes no placeholder")]
    [InlineData("At {building}}", "The '}' at position 14 closes no placeholder")]
    [InlineData("At {{building}}", "The '{' at position 4 is not closed before the next '{' at position 5; placeholders cannot nest.")]
    [InlineData("{minutes {time}", "The '{' at position 1 is not closed before the next '{' at position 10")]
    public void Broken_templates_are_refused_with_the_reason(string text, string reason)
    {
        var error = Assert.Throws<FormatException>(() => MessageTemplate.Parse(text));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_longer_than_the_limit_is_refused_with_its_length()
    {
        var error = Assert.Throws<FormatException>(() => MessageTemplate.Parse(new string('a', MessageTemplate.MaxLength + 1)));

        Assert.Equal("The message has 481 characters; at most 480 are allowed.", error.Message);
    }

    [Fact]
    public void Text_of_exactly_the_limit_is_accepted()
    {
        var text = "{building}" + new string('a', MessageTemplate.MaxLength - 10);

        Assert.Equal(MessageTemplate.MaxLength, MessageTemplate.Parse(text).Text.Length);
    }

    [Theory]
    [InlineData(null, "The message is empty.")]
    [InlineData("At {bin}", "Unknown placeholder {bin}")]
    public void TryParse_gives_the_reason_without_throwing(string? text, string reason)
    {
        Assert.False(MessageTemplate.TryParse(text, out var template, out var error));

        Assert.Null(template);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_gives_the_template_and_no_error()
    {
        Assert.True(MessageTemplate.TryParse("In {minutes} min", out var template, out var error));

        Assert.Equal("In 15 min", template.Render(Values));
        Assert.Null(error);
    }

    [Fact]
    public void Missing_value_is_refused_naming_the_placeholder()
    {
        var template = MessageTemplate.Parse("At {building} in {minutes} min");
        var values = new Dictionary<string, string> { [TemplatePlaceholders.Building] = "12 rue de la Paix" };

        var error = Assert.Throws<ArgumentException>(() => template.Render(values));

        Assert.StartsWith("No value for the placeholder {minutes}.", error.Message, StringComparison.Ordinal);
        Assert.Equal("values", error.ParamName);
    }

    [Fact]
    public void Values_are_inserted_as_they_are()
    {
        var values = new Dictionary<string, string> { [TemplatePlaceholders.Building] = "{minutes} & {{x}}" };

        Assert.Equal("At {minutes} & {{x}}.", MessageTemplate.Parse("At {building}.").Render(values));
    }

    [Theory]
    [InlineData("At {building} in {minutes} min")]
    [InlineData("Plain text")]
    [InlineData("{delay}")]
    public void Text_round_trips(string text)
    {
        var template = MessageTemplate.Parse(text);

        Assert.Equal(text, template.Text);
        Assert.Equal(text, template.ToString());
        Assert.Equal(template.Placeholders, MessageTemplate.Parse(template.Text).Placeholders);
    }
}
