using System.Text.Json.Serialization;

namespace DockStack.Zun.Data;

/// <summary>
/// The stored documents' JSON, generated at compile time (snake_case names, nulls written): no reflection or
/// emitted code to read or write a row, which also keeps the service compilable ahead of time.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(Container))]
[JsonSerializable(typeof(ContainerAction))]
[JsonSerializable(typeof(InjectedFile))]
[JsonSerializable(typeof(ImageRecord))]
[JsonSerializable(typeof(ComputeNode))]
[JsonSerializable(typeof(ZunService))]
[JsonSerializable(typeof(Capsule))]
internal sealed partial class StoreJson : JsonSerializerContext;
