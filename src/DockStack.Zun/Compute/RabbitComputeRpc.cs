using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using DockStack.Zun.Conf;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace DockStack.Zun.Compute;

/// <summary>The api's RPC client over RabbitMQ: casts are persistent messages on the host's queue, calls wait on a private reply queue.</summary>
public sealed class RabbitComputeRpc(ZunConfig config) : IComputeRpc, IAsyncDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<ReadOnlyMemory<byte>>> _pending = new();
    private IConnection? _connection;
    private IChannel? _channel;
    private string? _replyQueue;

    public async Task CastAsync(string host, ComputeRequest request, CancellationToken cancellationToken) =>
        await PublishAsync(host, request, null, cancellationToken);

    public async Task<JsonNode?> CallAsync(string host, ComputeRequest request, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("N");
        var waiter = new TaskCompletionSource<ReadOnlyMemory<byte>>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = waiter;
        try
        {
            var limit = ComputeDeadlines.ForCall(request.Message, TimeSpan.FromSeconds(config.RpcResponseTimeout));
            await PublishAsync(host, request, id, cancellationToken);
            try
            {
                // A request or reply lost with the broker (a restart) is never answered: the caller gets a fault, not a hang.
                var body = await waiter.Task.WaitAsync(limit, cancellationToken);
                return RabbitTransport.ReadReply(body);
            }
            catch (TimeoutException)
            {
                throw new ComputeCallTimedOut(request.Message.Method, host, limit);
            }
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private async Task PublishAsync(string host, ComputeRequest request, string? correlationId, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            var channel = await ChannelAsync(cancellationToken);
            var queue = RabbitTransport.QueueFor(host);
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: null, cancellationToken: cancellationToken);
            var props = new BasicProperties { Persistent = correlationId is null, ContentType = "application/json", CorrelationId = correlationId!, ReplyTo = correlationId is null ? null! : _replyQueue! };
            if (correlationId is not null) { props.Expiration = "60000"; }
            await channel.BasicPublishAsync("", queue, mandatory: false, props, RabbitTransport.Encode(request), cancellationToken);
        }
        catch (Exception e) when (e is RabbitMQ.Client.Exceptions.BrokerUnreachableException or RabbitMQ.Client.Exceptions.AlreadyClosedException)
        {
            throw new ZunInternalError($"The message broker is unreachable: {e.Message}", e);
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task<IChannel> ChannelAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true }) { return _channel; }
        if (_connection is null)
        {
            _connection = await RabbitTransport.Factory(config.TransportUrl!).CreateConnectionAsync(cancellationToken);
            // The reply queue is server-named: when the connection recovers from a broker restart, the client declares
            // it again under a new name. Replies must go to that one, or every call times out until a restart.
            _connection.QueueNameChangedAfterRecoveryAsync += (_, e) =>
            {
                if (e.NameBefore == _replyQueue) { _replyQueue = e.NameAfter; }
                return Task.CompletedTask;
            };
        }
        _channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
        var reply = await _channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, arguments: null, cancellationToken: cancellationToken);
        _replyQueue = reply.QueueName;
        var consumer = new AsyncEventingBasicConsumer(_channel);
        consumer.ReceivedAsync += (_, ea) =>
        {
            if (ea.BasicProperties.CorrelationId is { } id && _pending.TryGetValue(id, out var waiter))
            {
                waiter.TrySetResult(ea.Body.ToArray());
            }
            return Task.CompletedTask;
        };
        await _channel.BasicConsumeAsync(_replyQueue, autoAck: true, consumer, cancellationToken);
        return _channel;
    }

    public async ValueTask DisposeAsync()
    {
        if (_channel is not null) { await _channel.DisposeAsync(); }
        if (_connection is not null) { await _connection.DisposeAsync(); }
    }
}
