using FlowForge.Scaling.Rabbit;

namespace FlowForge.Scaling.Tests.Rabbit;

public sealed class AckWindowTests
{
    private readonly List<(ulong Tag, bool Multiple)> _frames = [];

    private AckWindow Window(int heldAtMost = 32) => new((tag, multiple) =>
    {
        _frames.Add((tag, multiple));
        return ValueTask.CompletedTask;
    }, heldAtMost);

    [Fact]
    public async Task AckAsync_DoneBehindOneRunning_HeldUntilItIsDoneThenOneMultipleAck()
    {
        using var window = Window();

        await window.AckAsync(2);
        await window.AckAsync(3);
        Assert.Empty(_frames);

        await window.AckAsync(1);
        Assert.Equal([(3UL, true)], _frames);
    }

    [Fact]
    public async Task SettleAloneAsync_NackBetweenDoneMessages_SentExactlyAndTheAckNamesADoneOne()
    {
        using var window = Window();
        var settled = new List<ulong>();

        await window.AckAsync(1);
        await window.AckAsync(3);
        await window.SettleAloneAsync(2, () =>
        {
            settled.Add(2);
            return ValueTask.CompletedTask;
        });
        await window.SettleAloneAsync(4, () =>
        {
            settled.Add(4);
            return ValueTask.CompletedTask;
        });

        Assert.Equal([2UL, 4UL], settled);
        Assert.Equal([(1UL, true), (3UL, true)], _frames);
    }

    [Fact]
    public async Task AckAsync_MoreHeldThanAllowed_AckedAloneAndNeverNamedByAMultipleAck()
    {
        using var window = Window(heldAtMost: 2);

        await window.AckAsync(2);
        await window.AckAsync(3);
        await window.AckAsync(4);
        Assert.Equal([(2UL, false), (3UL, false), (4UL, false)], _frames);
        Assert.Equal(0, window.Held);

        await window.AckAsync(1);
        await window.AckAsync(5);
        Assert.Equal([(2UL, false), (3UL, false), (4UL, false), (1UL, true), (5UL, true)], _frames);
    }

    [Fact]
    public async Task AckAsync_WhileAFrameIsBeingSent_TheAcksThatCameMeanwhileGoInOneFrame()
    {
        var sending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var frames = new List<(ulong Tag, bool Multiple)>();
        using var window = new AckWindow(async (tag, multiple) =>
        {
            frames.Add((tag, multiple));
            if (tag == 1)
            {
                await sending.Task;
            }
        }, 32);

        var first = window.AckAsync(1).AsTask();
        var second = window.AckAsync(2).AsTask();
        var third = window.AckAsync(3).AsTask();
        Assert.Equal([(1UL, true)], frames);

        sending.SetResult();
        await Task.WhenAll(first, second, third).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([(1UL, true), (3UL, true)], frames);
    }

    [Fact]
    public async Task FlushAsync_DoneMessagesBehindOneThatNeverFinished_AckedAlone()
    {
        using var window = Window();

        await window.AckAsync(1);
        await window.AckAsync(3);
        await window.AckAsync(4);
        await window.FlushAsync();

        Assert.Equal([(1UL, true), (3UL, false), (4UL, false)], _frames);
    }
}
