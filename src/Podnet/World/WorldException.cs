namespace Podnet.World;

/// <summary>A world that cannot be loaded: the message names the file, document, object and field.</summary>
public sealed class WorldException : Exception
{
    public WorldException(string message)
        : base(message)
    {
    }

    public WorldException()
        : base("the world could not be loaded")
    {
    }

    public WorldException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
