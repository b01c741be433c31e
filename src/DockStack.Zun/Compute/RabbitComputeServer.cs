using System.Text.Json.Nodes;
using DockStack.Zun.Conf;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace DockStack.Zun.Compute;

/// <summary>
/// zun-compute's listener on its host queue. A message is acknowledged only after it was handled,
/// so a compute restart mid-cast gets it again instead of losing it. The broker is reached at start within the
/// <see cref="StartupDeadline"/>, alongside the engine and the database (the process exits non-zero past it); the queue
/// is consumed once the agent is ready. A broker lost later is reconnected to in process, every 5 s until it answers.
/// </summary>
public sealed partial class RabbitComputeServer(ZunConfig config, IComputeHandler handler, ComputeReadiness readiness, StartupDeadline startup,
    ILogger<RabbitComputeServer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var factory = RabbitTransport.Factory(config.TransportUrl!);
        IConnection? connection = null;
        try
        {
            connection = await startup.RetryAsync(_ => startup.Broker, ct => factory.CreateConnectionAsync(ct), stoppingToken);
            await readiness.WaitAsync(stoppingToken);
        }
        catch (Exception e) when (e is ZunStartupFailed or OperationCanceledException)
        {
            if (connection is not null) { await connection.DisposeAsync(); }
            return; // given up (logged, the process exits non-zero) or stopping
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                connection ??= await factory.CreateConnectionAsync(stoppingToken);
                await ServeAsync(connection, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogBrokerLost(e.Message);
                try { await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken); } catch (OperationCanceledException) { return; }
            }
            finally
            {
                if (connection is not null) { await connection.DisposeAsync(); }
                connection = null;
            }
        }
    }

    private async Task ServeAsync(IConnection connection, CancellationToken stoppingToken)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
        var queue = RabbitTransport.QueueFor(handler.Host);
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: null, cancellationToken: stoppingToken);
        await channel.BasicQosAsync(0, 16, false, stoppingToken);
        var publish = new SemaphoreSlim(1, 1);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, ea) =>
        {
            var body = ea.Body.ToArray();
            var props = ea.BasicProperties;
            var tag = ea.DeliveryTag;
            _ = Task.Run(async () =>
            {
                JsonNode? result = null;
                ZunException? error = null;
                try
                {
                    result = await RabbitTransport.Decode(body).DispatchAsync(handler, stoppingToken);
                }
                catch (ZunException e) { error = e; }
                catch (Exception e) when (e is not OperationCanceledException) { error = new ZunInternalError(e.Message, e); }
                catch (OperationCanceledException) { return; } // not acked: redelivered to the next agent
                await publish.WaitAsync(CancellationToken.None);
                try
                {
                    if (props.ReplyTo is { Length: > 0 } replyTo)
                    {
                        var reply = new BasicProperties { CorrelationId = props.CorrelationId!, ContentType = "application/json" };
                        await channel.BasicPublishAsync("", replyTo, mandatory: false, reply, RabbitTransport.Reply(result, error), CancellationToken.None);
                    }
                    await channel.BasicAckAsync(tag, multiple: false, CancellationToken.None);
                }
                catch (Exception e)
                {
                    LogReplyFailed(e.Message);
                }
                finally
                {
                    publish.Release();
                }
            }, CancellationToken.None);
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer, stoppingToken);
        LogListening(queue);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.ChannelShutdownAsync += (_, _) => { closed.TrySetResult(); return Task.CompletedTask; };
        await closed.Task.WaitAsync(stoppingToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "zun-compute listens on RabbitMQ queue {Queue}")]
    private partial void LogListening(string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the message broker ({Error}); reconnecting")]
    private partial void LogBrokerLost(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not reply to or acknowledge a compute request: {Error}")]
    private partial void LogReplyFailed(string error);
}
