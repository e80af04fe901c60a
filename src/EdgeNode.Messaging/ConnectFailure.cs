using System.Net.Sockets;
using System.Security.Authentication;
using MQTTnet.Adapter;

namespace EdgeNode.Messaging;

/// <summary>
/// Turns a failed connect into one log line: a refusal (credentials, TLS) gets another line than an unreachable
/// broker, and a hint at the setting to check; the reason gathers the inner messages, where MQTTnet and SslStream
/// keep the useful part.
/// </summary>
internal static class ConnectFailure
{
    /// <summary>Whether <paramref name="exception"/> is a refusal, and the reason to log.</summary>
    /// <param name="exception">What the connect attempt threw.</param>
    /// <param name="options">The connection's options (for hints about TLS and the port).</param>
    /// <param name="tlsRejection">Why the broker's certificate was refused in this attempt, if it was.</param>
    public static (bool Refused, string Reason) Describe(Exception exception, MqttOptions options, string? tlsRejection)
    {
        var chain = new List<Exception>();
        for (var e = exception; e is not null; e = e.InnerException)
        {
            chain.Add(e);
        }

        var credentials = chain.Any(e => e.Message.Contains("NotAuthorized", StringComparison.Ordinal) || e.Message.Contains("BadUserNameOrPassword", StringComparison.Ordinal));

        // With TLS 1.3 a broker checks the client certificate after the client's side of the handshake is done, and
        // then just closes the socket: all the client sees is a connection gone while connecting.
        var droppedDuringTls = options.Tls.IsEnabled && tlsRejection is null && chain.Any(e => e is SocketException
        {
            SocketErrorCode: SocketError.NotConnected or SocketError.ConnectionReset or SocketError.ConnectionAborted,
        });
        var refused = credentials || droppedDuringTls || tlsRejection is not null
            || chain.Any(e => e is MqttConnectingFailedException or MqttTlsFileException or AuthenticationException)
            || exception.Message.StartsWith("The broker refused", StringComparison.Ordinal);

        // SslStream's own words ("rejected by the provided RemoteCertificateValidationCallback") add nothing to a rejection reason.
        var messages = new List<string>();
        if (tlsRejection is not null)
        {
            messages.Add(tlsRejection);
        }
        else
        {
            foreach (var text in chain.Select(e => e.Message.Trim()))
            {
                if (!messages.Any(m => m.Contains(text, StringComparison.Ordinal)))
                {
                    messages.Add(text);
                }
            }
        }

        if (credentials)
        {
            messages.Add("check EdgeNode__Mqtt__Username and EdgeNode__Mqtt__Password, or the client certificate");
        }

        if (droppedDuringTls)
        {
            messages.Add("the broker closed the TLS connection while connecting: a broker that requires client certificates does so when none is sent or it does not trust the one sent (EdgeNode__Mqtt__Tls__CertFile / KeyFile, issued by the broker's CA)");
        }

        if (options.Tls.IsEnabled && options.Port == 1883 && !refused)
        {
            messages.Add("TLS is on but the port is 1883, usually plain MQTT; TLS listeners are usually on 8883 (EdgeNode__Mqtt__Port)");
        }

        return (refused, string.Join(": ", messages));
    }
}
