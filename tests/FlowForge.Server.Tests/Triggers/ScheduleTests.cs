using FlowForge.Nodes.Triggers;

namespace FlowForge.Server.Tests.Triggers;

public sealed class ScheduleTests
{
    private static Schedule Create(string? cron = null, long? everyMs = null, string? timeZone = null)
    {
        var schedule = Schedule.TryCreate(new ScheduleTriggerNode.Settings(cron, everyMs, timeZone), 1_000, out var problem);
        Assert.True(schedule is not null, problem?.Message);
        return schedule;
    }

    [Fact]
    public void NextAfter_CronInNewYorkAcrossDaylightSaving_KeepsLocalTimeAndShiftsUtc()
    {
        var nine = Create("0 0 9 * * *", timeZone: "America/New_York");

        Assert.Equal(DateTimeOffset.Parse("2030-03-09T14:00:00Z"), nine.NextAfter(DateTimeOffset.Parse("2030-03-09T00:00:00Z")));
        Assert.Equal(DateTimeOffset.Parse("2030-03-11T13:00:00Z"), nine.NextAfter(DateTimeOffset.Parse("2030-03-10T15:00:00Z")));
    }

    [Fact]
    public void NextAfter_CronTimeSkippedBySpringForward_FiresOnceAtTheShift()
    {
        var halfPastTwo = Create("30 2 * * *", timeZone: "America/New_York");

        var onTransitionDay = halfPastTwo.NextAfter(DateTimeOffset.Parse("2030-03-10T05:00:00Z"));
        var dayAfter = halfPastTwo.NextAfter(onTransitionDay!.Value);

        Assert.Equal(DateTimeOffset.Parse("2030-03-10T07:00:00Z"), onTransitionDay);
        Assert.Equal(DateTimeOffset.Parse("2030-03-11T06:30:00Z"), dayAfter);
    }

    [Fact]
    public void NextAfter_Interval_CountsFromTheEpochWhateverTheStart()
    {
        var every = Create(everyMs: 15_000);

        Assert.Equal(DateTimeOffset.Parse("2030-01-01T00:00:15Z"), every.NextAfter(DateTimeOffset.Parse("2030-01-01T00:00:00Z")));
        Assert.Equal(DateTimeOffset.Parse("2030-01-01T00:00:15Z"), every.NextAfter(DateTimeOffset.Parse("2030-01-01T00:00:07.5Z")));
    }

    [Theory]
    [InlineData("0 */7 * * * *", null)]
    [InlineData("*/1 * * * * *", null)]
    [InlineData("0 0 3 * * MON", "Europe/Berlin")]
    public void LatestIn_Cron_MatchesWalkingEveryDueTime(string cron, string? zone)
    {
        var schedule = Create(cron, timeZone: zone);
        var after = DateTimeOffset.Parse("2030-03-20T10:00:00Z");
        foreach (var span in new[] { TimeSpan.FromSeconds(3), TimeSpan.FromMinutes(20), TimeSpan.FromHours(5), TimeSpan.FromDays(20) })
        {
            var until = after + span;
            DateTimeOffset? walked = null;
            for (var (due, i) = (schedule.NextAfter(after), 0); due is { } d && d <= until && i < 2_000_000; due = schedule.NextAfter(d), i++)
            {
                walked = d;
            }

            Assert.Equal(walked, schedule.LatestIn(after, until));
        }
    }

    [Theory]
    [InlineData("not cron", null, null, "$.cron")]
    [InlineData("0 0 * * *", null, "Mars/Olympus_Mons", "$.timeZone")]
    [InlineData(null, 10L, null, "$.everyMs")]
    [InlineData(null, null, null, "$.cron")]
    [InlineData("* * * * *", 60_000L, null, "$.cron")]
    public void TryCreate_BadSettings_ProblemNamesTheField(string? cron, long? everyMs, string? zone, string field)
    {
        var schedule = Schedule.TryCreate(new ScheduleTriggerNode.Settings(cron, everyMs, zone), 1_000, out var problem);

        Assert.Null(schedule);
        Assert.Equal(field, problem!.Path);
    }
}
