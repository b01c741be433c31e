namespace DockStack.Cloud.Provisioning.LocalConf;

/// <summary>One statement of the <c>[[local|localrc]]</c> section, in file order.</summary>
public abstract record LocalrcStatement(int Line);

/// <summary><c>NAME=value</c> (or <c>NAME+=value</c>), with the value already unquoted and expanded.</summary>
public sealed record Assignment(int Line, string Name, string Value, bool Append) : LocalrcStatement(Line);

/// <summary>A shell command such as <c>enable_service n-api n-cpu</c>, its arguments unquoted and expanded.</summary>
public sealed record Command(int Line, string Name, IReadOnlyList<string> Arguments) : LocalrcStatement(Line);

/// <summary>A <c>[[post-config|FILE]]</c> section: the file as written (e.g. <c>$NOVA_CONF</c>) and its INI settings.</summary>
public sealed record PostConfigSection(int Line, string File, IReadOnlyList<IniSetting> Settings);

public sealed record IniSetting(int Line, string Section, string Key, string Value);

/// <summary>A parsed local.conf: what it says, before any meaning is given to it.</summary>
public sealed record LocalConfDocument(
    string Source,
    IReadOnlyList<LocalrcStatement> Localrc,
    IReadOnlyList<PostConfigSection> PostConfig,
    IReadOnlyList<string> Warnings);
