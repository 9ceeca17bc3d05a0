namespace FlowForge.Storage.Sql.Dialects;

/// <summary>How a dialect writes the new runs of one group-commit batch.</summary>
internal enum RunSetForm
{
    /// <summary>Each run is one write of its own.</summary>
    None,

    /// <summary>One text of multi-row statements per shape of runs (SqlStorage.RunSets.cs).</summary>
    Texts,

    /// <summary>One statement over arrays of the runs' values (PostgreSQL's <c>unnest</c>), whatever their shapes (SqlStorage.RunArraySets.cs).</summary>
    Arrays,
}
