using System.Globalization;
using System.Reflection;
using Microsoft.Data.Sqlite;

namespace Podnet.Server.State;

/// <summary>
/// The directory of <c>podnet up --state DIR</c>: <c>state.db</c>, an SQLite database in WAL mode, and <c>lock</c>,
/// held exclusively while a server uses the directory. The database holds the world's text and the clock's start
/// (<c>meta</c>), every gated operation in order (<c>journal</c>), and the Kubernetes objects as they are after the
/// last operation (<c>objects</c>, for inspection and for checking a replay). Each operation and its object changes
/// are one transaction, committed with <c>synchronous=FULL</c> before the request that made it is answered.
/// </summary>
/// <remarks>
/// SQLite's own locking lets a second process read and wait for writes; a second server on the same directory would
/// interleave two journals, so the lock file refuses it instead (.NET takes <c>FileShare.None</c> as an exclusive
/// <c>flock</c> on Unix, released by the kernel when the process dies, SIGKILL included).
/// </remarks>
public sealed class StateDirectory : IDisposable
{
    /// <summary>The schema this Podnet writes; another one is refused.</summary>
    public const int SchemaVersion = 1;

    private readonly FileStream _lock;
    private readonly SqliteConnection _db;
    private readonly Lock _access = new();

    private StateDirectory(string path, FileStream lockFile, SqliteConnection db, bool isNew)
    {
        Path = path;
        _lock = lockFile;
        _db = db;
        IsNew = isNew;
    }

    /// <summary>The directory.</summary>
    public string Path { get; }

    /// <summary>Whether the directory held no state: the world is loaded from its files and recorded.</summary>
    public bool IsNew { get; }

    /// <summary>The Podnet that writes state: the version and the commit it was built from.</summary>
    public static string PodnetVersion
        => typeof(StateDirectory).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Opens (creating it if needed) the state directory at <paramref name="path"/>, holding its lock.</summary>
    /// <exception cref="StateException">In use by another process, not a state database, damaged, or of another schema or Podnet version.</exception>
    public static StateDirectory Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StateException($"{path}: cannot create the state directory: {e.Message}", e);
        }

        FileStream lockFile;
        try
        {
            lockFile = new FileStream(System.IO.Path.Combine(path, "lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new StateException($"{path} is in use by another podnet up (it holds {System.IO.Path.Combine(path, "lock")}); stop it first, or use another --state directory", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new StateException($"{path}: cannot open its lock file: {e.Message}", e);
        }

        var file = System.IO.Path.Combine(path, "state.db");
        SqliteConnection? db = null;
        try
        {
            db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
            db.Open();
            var check = Scalar(db, "PRAGMA integrity_check");
            if (check != "ok")
            {
                throw new StateException($"{file} is damaged (SQLite's integrity check: {check}); nothing was changed — restore it from a copy, or use another --state directory");
            }

            Execute(db, "PRAGMA journal_mode=WAL");
            Execute(db, "PRAGMA synchronous=FULL");
            var isNew = Scalar(db, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='meta'") == "0";
            if (isNew)
            {
                using var create = db.BeginTransaction();
                Execute(db, "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)", create);
                Execute(db, "CREATE TABLE journal (seq INTEGER PRIMARY KEY, wall INTEGER NOT NULL, kind TEXT NOT NULL, data TEXT)", create);
                Execute(db, "CREATE TABLE objects (cluster TEXT NOT NULL, api_version TEXT NOT NULL, kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL, resource_version TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (cluster, api_version, kind, namespace, name))", create);
                create.Commit();
            }
            else
            {
                var schema = Scalar(db, "SELECT value FROM meta WHERE key='schema'");
                var version = Scalar(db, "SELECT value FROM meta WHERE key='podnet_version'");
                if (schema != SchemaVersion.ToString(CultureInfo.InvariantCulture))
                {
                    throw new StateException($"{file} has state schema {schema ?? "(none)"}; this Podnet ({PodnetVersion}) reads schema {SchemaVersion} only; nothing was changed — use the Podnet that wrote it, or another --state directory");
                }

                if (version != PodnetVersion)
                {
                    throw new StateException($"{file} was written by Podnet {version}; this is Podnet {PodnetVersion}, and a journal replays only in the version that wrote it; nothing was changed — use that Podnet, or another --state directory");
                }
            }

            if (!OperatingSystem.IsWindows())
            {
                // It holds the cluster admin's token and the serving key.
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            return new StateDirectory(path, lockFile, db, isNew || Scalar(db, "SELECT value FROM meta WHERE key='world'") is null);
        }
        catch (SqliteException e)
        {
            db?.Dispose();
            lockFile.Dispose();
            throw new StateException($"{file} is not a Podnet state database, or is damaged ({e.Message.TrimEnd('.')}); nothing was changed — use another --state directory", e);
        }
        catch
        {
            db?.Dispose();
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>A value of the <c>meta</c> table, or null.</summary>
    public string? Meta(string key)
    {
        lock (_access)
        {
            using var command = _db.CreateCommand();
            command.CommandText = "SELECT value FROM meta WHERE key=$key";
            command.Parameters.AddWithValue("$key", key);
            return command.ExecuteScalar() as string;
        }
    }

    /// <summary>Sets values of the <c>meta</c> table, in one transaction.</summary>
    public void SetMeta(IEnumerable<KeyValuePair<string, string>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        lock (_access)
        {
            using var transaction = _db.BeginTransaction();
            WriteMeta(values, transaction);
            transaction.Commit();
        }
    }

    /// <summary>
    /// Records the new state's start: the schema, this Podnet's version, <paramref name="values"/> (the world's text,
    /// the clock's start) and the objects the loaded world has, in one transaction.
    /// </summary>
    public void Initialize(IEnumerable<KeyValuePair<string, string>> values, IEnumerable<ObjectRow> objects)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(objects);
        lock (_access)
        {
            using var transaction = _db.BeginTransaction();
            Execute(_db, "DELETE FROM journal", transaction);
            Execute(_db, "DELETE FROM objects", transaction);
            WriteMeta(values.Prepend(KeyValuePair.Create("podnet_version", PodnetVersion)).Prepend(KeyValuePair.Create("schema", SchemaVersion.ToString(CultureInfo.InvariantCulture))), transaction);
            WriteObjects(objects, [], transaction);
            transaction.Commit();
        }
    }

    /// <summary>
    /// Appends <paramref name="entry"/> to the journal with the object changes it made (<paramref name="cleared"/>:
    /// clusters whose objects all go first), as one committed transaction.
    /// </summary>
    public void Append(JournalEntry entry, IEnumerable<ObjectRow> changes, IEnumerable<string> cleared)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_access)
        {
            using var transaction = _db.BeginTransaction();
            using (var command = _db.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = "INSERT INTO journal (wall, kind, data) VALUES ($wall, $kind, $data)";
                command.Parameters.AddWithValue("$wall", entry.Wall.UtcTicks);
                command.Parameters.AddWithValue("$kind", entry.Kind);
                command.Parameters.AddWithValue("$data", (object?)entry.Data ?? DBNull.Value);
                command.ExecuteNonQuery();
            }

            WriteObjects(changes, cleared, transaction);
            transaction.Commit();
        }
    }

    /// <summary>The journal, oldest first.</summary>
    public IReadOnlyList<JournalEntry> Journal()
        => Rows("SELECT kind, wall, data FROM journal ORDER BY seq", r => JournalEntry.From(r.GetString(0), r.GetInt64(1), r.IsDBNull(2) ? null : r.GetString(2)));

    /// <summary>The objects recorded after the last operation.</summary>
    public IReadOnlyList<ObjectRow> Objects()
        => Rows(
            "SELECT cluster, api_version, kind, namespace, name, resource_version, json FROM objects ORDER BY cluster, api_version, kind, namespace, name",
            r => new ObjectRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6)));

    /// <summary>Every row <paramref name="sql"/> selects, read by <paramref name="read"/>, under the access lock.</summary>
    private List<T> Rows<T>(string sql, Func<Microsoft.Data.Sqlite.SqliteDataReader, T> read)
    {
        lock (_access)
        {
            using var command = _db.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            var rows = new List<T>();
            while (reader.Read())
            {
                rows.Add(read(reader));
            }

            return rows;
        }
    }

    public void Dispose()
    {
        lock (_access)
        {
            _db.Dispose();
        }

        _lock.Dispose();
    }

    /// <summary>Sets each key of the <c>meta</c> table to its value, inside <paramref name="transaction"/>.</summary>
    private void WriteMeta(IEnumerable<KeyValuePair<string, string>> values, SqliteTransaction transaction)
    {
        foreach (var (key, value) in values)
        {
            using var command = _db.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO meta (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value=excluded.value";
            command.Parameters.AddWithValue("$key", key);
            command.Parameters.AddWithValue("$value", value);
            command.ExecuteNonQuery();
        }
    }

    private void WriteObjects(IEnumerable<ObjectRow> changes, IEnumerable<string> cleared, SqliteTransaction transaction)
    {
        foreach (var cluster in cleared)
        {
            using var command = _db.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM objects WHERE cluster=$cluster";
            command.Parameters.AddWithValue("$cluster", cluster);
            command.ExecuteNonQuery();
        }

        foreach (var row in changes)
        {
            using var command = _db.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = row.Json is null
                ? "DELETE FROM objects WHERE cluster=$cluster AND api_version=$apiVersion AND kind=$kind AND namespace=$namespace AND name=$name"
                : "INSERT INTO objects VALUES ($cluster, $apiVersion, $kind, $namespace, $name, $rv, $json) ON CONFLICT DO UPDATE SET resource_version=excluded.resource_version, json=excluded.json";
            command.Parameters.AddWithValue("$cluster", row.Cluster);
            command.Parameters.AddWithValue("$apiVersion", row.ApiVersion);
            command.Parameters.AddWithValue("$kind", row.Kind);
            command.Parameters.AddWithValue("$namespace", row.Namespace);
            command.Parameters.AddWithValue("$name", row.Name);
            if (row.Json is not null)
            {
                command.Parameters.AddWithValue("$rv", row.ResourceVersion);
                command.Parameters.AddWithValue("$json", row.Json);
            }

            command.ExecuteNonQuery();
        }
    }

    private static void Execute(SqliteConnection db, string sql, SqliteTransaction? transaction = null)
    {
        using var command = db.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string? Scalar(SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() switch
        {
            null or DBNull => null,
            var value => Convert.ToString(value, CultureInfo.InvariantCulture),
        };
    }
}
