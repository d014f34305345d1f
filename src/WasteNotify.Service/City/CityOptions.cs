using System.ComponentModel.DataAnnotations;

namespace WasteNotify.Service.City;

/// <summary>The city when no OSM extract has been imported, and the local time zone runs are scheduled in.</summary>
public sealed class CityOptions : IValidatableObject
{
    /// <summary>Seed of the procedural default city.</summary>
    public int Seed { get; set; } = 1;

    [Required]
    public string TimeZone { get; set; } = "Europe/Paris";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            yield return new ValidationResult($"unknown time zone '{TimeZone}'", [nameof(TimeZone)]);
        }
    }
}
