namespace Podnet.World.Shell;

/// <summary>
/// What an nginx container with its image's default configuration serves (<c>/etc/nginx/conf.d/default.conf</c>:
/// <c>root /usr/share/nginx/html; index index.html</c>): the welcome page of nginx 1.21 and later (with the
/// <c>color-scheme</c> style; 615 bytes), and nginx's built-in 404 page. Checked against transcripts of
/// <c>curl</c> to stock <c>nginx</c> images.
/// </summary>
public static class NginxPages
{
    /// <summary>/usr/share/nginx/html/index.html of the official nginx image, byte for byte.</summary>
    public const string WelcomePage = """
        <!DOCTYPE html>
        <html>
        <head>
        <title>Welcome to nginx!</title>
        <style>
        html { color-scheme: light dark; }
        body { width: 35em; margin: 0 auto;
        font-family: Tahoma, Verdana, Arial, sans-serif; }
        </style>
        </head>
        <body>
        <h1>Welcome to nginx!</h1>
        <p>If you see this page, the nginx web server is successfully installed and
        working. Further configuration is required.</p>

        <p>For online documentation and support please refer to
        <a href="http://nginx.org/">nginx.org</a>.<br/>
        Commercial support is available at
        <a href="http://nginx.com/">nginx.com</a>.</p>

        <p><em>Thank you for using nginx.</em></p>
        </body>
        </html>

        """;

    /// <summary>nginx's built-in error page for 404, with its <c>Server</c> token (<c>nginx/1.23</c>).</summary>
    public static string NotFound(string server) => $"""
        <html>
        <head><title>404 Not Found</title></head>
        <body>
        <center><h1>404 Not Found</h1></center>
        <hr><center>{server}</center>
        </body>
        </html>

        """;

    /// <summary>Whether nginx's default site serves <paramref name="path"/> with the welcome page (<c>/</c>, <c>/index.html</c>).</summary>
    public static bool ServesWelcome(string path) => path is "/" or "/index.html";
}
