using System.Text;
using Grid.Resp.Commands;
using Grid.Resp.Commands.Introspection;
using Grid.Resp.Security;

namespace Grid.Resp.Tests.Commands;

/// <summary>The command table and what COMMAND tells about it agree; AUTH's checks.</summary>
public sealed class RespCommandCatalogTests
{
    [Fact]
    public void Every_command_of_the_table_has_its_facts()
    {
        var table = new RespCommandTable();
        foreach (var name in table.All.Keys)
        {
            Assert.True(RespCommandCatalog.ByName.ContainsKey(name), $"{name} has no entry in RespCommandCatalog");
        }
    }

    [Fact]
    public void Authenticator_checks_the_password_and_the_admin_token()
    {
        var open = new RespAuthenticator(password: null, adminToken: null);
        Assert.False(open.RequiresPassword);
        Assert.Equal(RespAuthResult.NoPasswordConfigured, open.Check(null, "x"u8));
        Assert.Equal(RespAuthResult.Default, open.Check("default", "anything"u8));
        Assert.Equal(RespAuthResult.Wrong, open.Check("admin", "anything"u8));

        var locked = new RespAuthenticator("pw", "admin-token-0123456789");
        Assert.True(locked.RequiresPassword);
        Assert.True(locked.HasAdminToken);
        Assert.Equal(RespAuthResult.Default, locked.Check(null, "pw"u8));
        Assert.Equal(RespAuthResult.Wrong, locked.Check(null, "pw2"u8));
        Assert.Equal(RespAuthResult.Default, locked.Check("default", "pw"u8));
        Assert.Equal(RespAuthResult.Wrong, locked.Check("someone", "pw"u8));
        Assert.Equal(RespAuthResult.Admin, locked.Check("admin", Encoding.UTF8.GetBytes("admin-token-0123456789")));
        Assert.Equal(RespAuthResult.Wrong, locked.Check("admin", "pw"u8));
    }

    [Fact]
    public void Sizes_read_as_redis_writes_them()
    {
        Assert.Equal("512B", RespText.Human(512));
        Assert.Equal("989.51K", RespText.Human(1_013_256));
        Assert.Equal("11.71M", RespText.Human(12_279_808));
        Assert.Equal("1.50G", RespText.Human(1_610_612_736));
    }
}
