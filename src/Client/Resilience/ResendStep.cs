namespace Grid.Client.Resilience;

/// <summary>What one turn of the router's resend loop did (<see cref="ClientRetryPipelines.Resend"/>).</summary>
internal enum ResendStep
{
    /// <summary>The operation is queued on a silo's channel, or failed (deadline, disposal): the loop ends.</summary>
    Done,

    /// <summary>Not sent yet: wait a back-off and try again.</summary>
    Wait,
}
