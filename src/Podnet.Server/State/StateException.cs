namespace Podnet.Server.State;

/// <summary>
/// A state directory that cannot be used as it is: written by another Podnet version or schema, not a database,
/// damaged, in use by another <c>podnet up</c>, or not replaying to what it recorded. Nothing in it is changed;
/// <c>podnet up</c> prints the message as its <c>error:</c> line and exits with 2.
/// </summary>
public sealed class StateException(string message, Exception? inner = null) : Exception(message, inner);
