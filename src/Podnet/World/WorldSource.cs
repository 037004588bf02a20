namespace Podnet.World;

/// <summary>The text of one world file and the name to report it by (the CLI reads the files).</summary>
public sealed record WorldSource(string Name, string Text);
