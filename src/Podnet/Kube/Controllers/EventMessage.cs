namespace Podnet.Kube.Controllers;

/// <summary>
/// An event's message as its source reports it to the recorder: the text itself, or what tells the text apart from the
/// source's other messages about the object (<see cref="Identity"/>) and how to make the text when the event is written.
/// client-go's correlator tells messages apart by their text (EventAggregate's localKey is <c>event.Message</c>); a
/// message that is unique by something it contains, as a kubelet's <c>FailedCreatePodSandBox</c> is by its sandbox ID,
/// can be told apart by that alone, and its text is made only when the spam filter lets the event through — a pod
/// waiting for its branch interface reports a new one every 10 s, and most are dropped.
/// </summary>
public readonly struct EventMessage
{
    private readonly Func<string, string>? _make;

    /// <summary>A message given as its text.</summary>
    public EventMessage(string text)
    {
        Identity = text;
    }

    /// <summary>
    /// A message made when it is written. <paramref name="identity"/> must differ wherever the text would, among the
    /// messages of one source about one object with one type and reason. <paramref name="make"/> is given what goes
    /// before the text (the correlator's <see cref="EventCorrelator.CombinedPrefix"/>, or nothing) and makes the whole
    /// message as one string: most of a waiting pod's written sandbox failures are combined, and the text and its
    /// prefixed copy were two long strings each.
    /// </summary>
    public EventMessage(string identity, Func<string, string> make)
    {
        Identity = identity;
        _make = make;
    }

    /// <summary>What the correlator compares and remembers in place of the text (the text, for a message given as text).</summary>
    public string Identity { get; }

    /// <summary>The text, made on every call for a message made when written.</summary>
    public string Text => After(string.Empty);

    /// <summary><paramref name="prefix"/> and then the text, as one string made on every call.</summary>
    public string After(string prefix) => _make is { } make ? make(prefix) : prefix.Length == 0 ? Identity : prefix + Identity;

    /// <summary>A message given as its text.</summary>
    public static implicit operator EventMessage(string text) => new(text);
}
