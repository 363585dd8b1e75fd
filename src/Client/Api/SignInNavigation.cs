using Microsoft.AspNetCore.Components;

namespace Dashboard.Client.Api;

public static class SignInNavigation
{
    /// <summary>Sends the operator to sign in, and back to where they are afterwards.</summary>
    public static void NavigateToSignIn(this NavigationManager navigation)
    {
        var here = navigation.ToBaseRelativePath(navigation.Uri);
        navigation.NavigateTo("login?returnUrl=" + Uri.EscapeDataString("/" + here));
    }
}
