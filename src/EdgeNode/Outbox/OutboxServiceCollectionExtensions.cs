using EdgeNode.Storage;

namespace EdgeNode.Outbox;

/// <summary>Registers the store-and-forward outbox: the store, the message writer, and the publisher.</summary>
internal static class OutboxServiceCollectionExtensions
{
    /// <summary>
    /// The store (opened by a hosted service: register this first, so the database is open before anything starts and
    /// closes after everything stopped), the signal and the <see cref="MessageWriter"/>.
    /// </summary>
    public static IServiceCollection AddOutbox(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateSection(StorageOptions.Section);
        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section).ValidateSection(OutboxOptions.Section);
        services.AddHostedSingleton<DeferredOutboxStore>();
        services.AddSingleton<IOutboxStore>(sp => sp.GetRequiredService<DeferredOutboxStore>());
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<OutboxDeadLetters>();
        services.AddSingleton<MessageWriter>();
        return services;
    }

    /// <summary>The publisher: it starts before the pipeline and stops after it, for the last drain of what the pipeline stored.</summary>
    public static IServiceCollection AddOutboxPublisher(this IServiceCollection services) =>
        services.AddHostedService<OutboxPublisherService>();
}
