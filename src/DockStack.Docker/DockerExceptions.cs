namespace DockStack.Docker;

/// <summary>Base of every engine failure we translate into a clear message.</summary>
public class DockerEngineException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Nothing answers at the engine endpoint.</summary>
public sealed class DockerUnavailableException(string endpoint, string message, Exception? inner = null)
    : DockerEngineException(message, inner)
{
    public string Endpoint { get; } = endpoint;
}

/// <summary>The engine socket exists but we may not use it.</summary>
public sealed class DockerPermissionException(string endpoint, Exception? inner = null)
    : DockerEngineException($"Permission denied on the Docker engine socket {endpoint}. Run as root, or add your user to the 'docker' group (sudo usermod -aG docker $USER, then log in again).", inner)
{
    public string Endpoint { get; } = endpoint;
}

/// <summary>A host port we want to publish is already in use.</summary>
public sealed class PortInUseException(int port, Exception? inner = null)
    : DockerEngineException($"Port {port} on 127.0.0.1 is already in use. Stop whatever listens there (ss -ltnp 'sport = :{port}') or disable the service that needs it.", inner)
{
    public int Port { get; } = port;
}

/// <summary>An object we asked for does not exist.</summary>
public sealed class DockerObjectNotFoundException(string what, Exception? inner = null)
    : DockerEngineException($"{what} does not exist.", inner);

/// <summary>The engine ran out of disk space.</summary>
public sealed class DiskFullException(string operation, Exception? inner = null)
    : DockerEngineException($"The Docker engine ran out of disk space during {operation}. Free space (dockstack clean --images, docker system prune) and try again.", inner);
