using System.ComponentModel.DataAnnotations;
using WasteNotify.Core.Pilot;

namespace WasteNotify.Service.Pilot;

/// <summary>
/// The pilot's assumptions where nothing was reported (<see cref="PilotRules"/>), what an SMS segment costs, and the
/// open data's terms: its licence and the fewest buildings a street must have to be named in it.
/// </summary>
public sealed class PilotOptions : IValidatableObject
{
    [Range(typeof(TimeSpan), "00:00:00", "02:00:00")]
    public TimeSpan ReactionTime { get; set; } = new PilotRules().ReactionTime;

    public TimeOnly EveningBeforeAt { get; set; } = new PilotRules().EveningBeforeAt;

    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan UsualBackIn { get; set; } = new PilotRules().UsualBackIn;

    [Range(typeof(TimeSpan), "00:00:00", "12:00:00")]
    public TimeSpan EarlyAfter { get; set; } = new PilotRules().EarlyAfter;

    /// <summary>What one SMS segment costs, in <see cref="Currency"/>.</summary>
    [Range(0.0, 10.0)]
    public decimal PricePerSegment { get; set; } = 0.08m;

    [Required, RegularExpression("^[A-Z]{3}$", ErrorMessage = "Currency is an ISO 4217 code such as EUR")]
    public string Currency { get; set; } = "EUR";

    /// <summary>A street with fewer buildings than this in the figures is not named in the open data (its rows are under "other streets").</summary>
    [Range(2, 1000)]
    public int MinimumBuildingsPerStreet { get; set; } = 3;

    [Required, MinLength(1)]
    public string Licence { get; set; } = "ODbL-1.0";

    [Required]
    public Uri LicenceUrl { get; set; } = new("https://opendatacommons.org/licenses/odbl/1-0/");

    public PilotRules Rules => new() { ReactionTime = ReactionTime, EveningBeforeAt = EveningBeforeAt, UsualBackIn = UsualBackIn, EarlyAfter = EarlyAfter };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!LicenceUrl.IsAbsoluteUri || LicenceUrl.Scheme is not ("http" or "https"))
        {
            yield return new ValidationResult($"'{LicenceUrl}' is not an http(s) address", [nameof(LicenceUrl)]);
        }
    }
}
