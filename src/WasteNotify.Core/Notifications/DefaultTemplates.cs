using System.Collections.Frozen;

namespace WasteNotify.Core.Notifications;

/// <summary>
/// The built-in texts. They stay within the GSM-7 alphabet (no ê, ç or typographic apostrophe) so that an
/// alert with a usual address costs one SMS; the French ones put a plain space before the colon.
/// </summary>
public static class DefaultTemplates
{
    private static readonly FrozenDictionary<(string Kind, string Language), MessageTemplate> Alerts =
        new Dictionary<(string Kind, string Language), MessageTemplate>
        {
            [(AlertKinds.Approaching, Languages.English)] = MessageTemplate.Parse(
                "WasteNotify: the garbage truck will reach {building} in about {minutes} min. Time to put the bins out."),
            [(AlertKinds.Collected, Languages.English)] = MessageTemplate.Parse(
                "WasteNotify: the garbage has been collected at {building}: the bins can come back in."),
            [(AlertKinds.Delayed, Languages.English)] = MessageTemplate.Parse(
                "WasteNotify: the garbage truck is running late: now expected at {building} around {time}."),
            [(AlertKinds.NotToday, Languages.English)] = MessageTemplate.Parse(
                "WasteNotify: the garbage truck will not collect {building} today. Please bring the bins back in."),
            [(AlertKinds.Approaching, Languages.French)] = MessageTemplate.Parse(
                "WasteNotify : le camion-poubelle arrivera à {building} dans environ {minutes} min. Il est temps de sortir les poubelles."),
            [(AlertKinds.Collected, Languages.French)] = MessageTemplate.Parse(
                "WasteNotify : collecte effectuée à {building}, vous pouvez rentrer les poubelles."),
            [(AlertKinds.Delayed, Languages.French)] = MessageTemplate.Parse(
                "WasteNotify : le camion-poubelle a du retard, il est maintenant attendu à {building} vers {time}."),
            [(AlertKinds.NotToday, Languages.French)] = MessageTemplate.Parse(
                "WasteNotify : pas de collecte à {building} aujourd'hui. Merci de rentrer les poubelles."),
        }.ToFrozenDictionary();

    /// <summary>The built-in alert of a kind (<see cref="AlertKinds"/>) in a language (<see cref="Languages"/>).</summary>
    public static MessageTemplate For(string kind, string language)
    {
        if (!AlertKinds.All.Contains(kind))
        {
            throw new ArgumentException($"Unknown alert kind '{kind}'; the kinds are {string.Join(", ", AlertKinds.All)}.", nameof(kind));
        }

        CheckLanguage(language);
        return Alerts[(kind, language)];
    }

    /// <summary>The answer to HELP.</summary>
    public static string Help(string language) => Pick(language,
        "WasteNotify: SMS alerts before the garbage truck reaches your building. Reply STOP to unsubscribe, START to subscribe again.",
        "WasteNotify : alertes SMS avant le passage du camion-poubelle. Répondez STOP ou ARRET pour vous désabonner, START pour vous réabonner.");

    /// <summary>The answer to STOP.</summary>
    public static string StopConfirmation(string language) => Pick(language,
        "WasteNotify: you are unsubscribed and will get no more alerts. Reply START to subscribe again.",
        "WasteNotify : désabonnement effectué, vous ne recevrez plus d'alertes. Répondez START pour vous réabonner.");

    /// <summary>The answer to START.</summary>
    public static string StartConfirmation(string language) => Pick(language,
        "WasteNotify: you are subscribed again to garbage truck alerts. Reply STOP to unsubscribe, HELP for help.",
        "WasteNotify : abonnement réactivé, vous recevrez de nouveau les alertes. Répondez STOP ou ARRET pour vous désabonner, AIDE pour de l'aide.");

    /// <summary>The answer to OUT / SORTIS and IN / RENTRES: the report noted, with the time that stands (the first one of each).</summary>
    public static string BinsNoted(string language, bool binsOut, string time) => binsOut
        ? Pick(language, $"WasteNotify: noted, bins out at {time}.", $"WasteNotify : c'est noté, bacs sortis à {time}.")
        : Pick(language, $"WasteNotify: noted, bins back in at {time}.", $"WasteNotify : c'est noté, bacs rentrés à {time}.");

    /// <summary>The answer to a bins report with no collection under way (no recent alert) to put it on.</summary>
    public static string NoCollectionToReport(string language) => Pick(language,
        "WasteNotify: no collection of your building is under way, so there is nothing to note.",
        "WasteNotify : aucune collecte de votre immeuble n'est en cours, rien à noter.");

    private static string Pick(string language, string english, string french)
    {
        CheckLanguage(language);
        return language == Languages.French ? french : english;
    }

    private static void CheckLanguage(string language)
    {
        if (!Languages.All.Contains(language))
        {
            throw new ArgumentException($"Unknown language '{language}'; the languages are {string.Join(", ", Languages.All)}.", nameof(language));
        }
    }
}
