namespace DockStack.Cloud.Services.PrivsepForker;

/// <summary>
/// Neutron's privsep daemons forked from one pre-loaded root process instead of each started through
/// <c>sudo neutron-rootwrap ... privsep-helper</c>.
/// <para>
/// The agents start seven privsep daemons (one per oslo.privsep context they use). Started the stock way, each is a
/// fresh Python that imports Neutron's privileged modules (~2,400 modules, ~3 CPU-seconds, ~109 MiB PSS apiece). The
/// forker imports them once, as root, and forks a child per request; the child runs oslo.privsep's own
/// <c>helper_main</c> with the very arguments the stock helper would get (the agent's config files, the context, the
/// socket path), so the daemon is the same code with the same privileges and capabilities. The agents point each
/// context's <c>helper_command</c> at a small client that hands its arguments to the forker; if the forker does not
/// answer, the client runs the stock helper instead.
/// </para>
/// <para>
/// What this leaves unchanged: the daemon talks to its agent over the agent's own socket, drops to the context's
/// capabilities, and exits when its agent goes away. What changes: the daemons live in this unit's cgroup (so memory per
/// unit shows them here, not under the agent), and they share the imported modules' pages copy-on-write.
/// </para>
/// </summary>
public static class PrivsepForkerModule
{
    public const string Unit = "dockstack-privsep.service";
    public const string Socket = "/run/dockstack-privsep/neutron.sock";
    public const string ServerPath = "/usr/local/lib/dockstack/privsep-forker";
    public const string ClientPath = "/usr/local/lib/dockstack/privsep-fork";

    /// <summary>Neutron's privsep contexts, by their config section (neutron/privileged/__init__.py).</summary>
    public static readonly IReadOnlyList<string> NeutronSections =
        ["privsep", "privsep_dhcp_release", "privsep_ovs_vsctl", "privsep_namespace", "privsep_conntrack", "privsep_link"];

    /// <summary>neutron.conf settings pointing every context's helper at the client.</summary>
    public static IEnumerable<(string Section, string Key, string Value)> NeutronConf() =>
        NeutronSections.Select(section => (section, "helper_command", ClientPath));

    public static string UnitFile => $"""
        [Unit]
        Description=DockStack: Neutron's privsep daemons forked from one pre-loaded process
        After=local-fs.target
        Before=neutron-openvswitch-agent.service neutron-dhcp-agent.service neutron-l3-agent.service

        [Service]
        Type=simple
        ExecStart=/usr/bin/python3 {ServerPath} {Socket} neutron
        # The daemons it forks serve their agents until those go away: stopping the forker leaves them be.
        KillMode=process
        Restart=on-failure

        [Install]
        WantedBy=multi-user.target

        """;

    /// <summary>The forker: binds its socket first (clients queue until it accepts), imports, then forks per request.</summary>
    public const string ServerScript = """
        #!/usr/bin/python3
        # dockstack privsep forker: imports a project's privileged modules once and forks a privsep daemon per request.
        # Usage: privsep-forker SOCKET GROUP. Requests come from privsep-fork (run by the agent as its helper_command):
        # one line of JSON, the argument list the stock privsep-helper would get. Answer: "ok" or "error: ...".
        import gc
        import grp
        import importlib
        import json
        import os
        import pkgutil
        import signal
        import socket
        import sys
        import traceback

        sock_path, group = sys.argv[1], sys.argv[2]
        os.makedirs(os.path.dirname(sock_path), mode=0o755, exist_ok=True)
        try:
            os.unlink(sock_path)
        except FileNotFoundError:
            pass
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(sock_path)
        os.chown(sock_path, 0, grp.getgrnam(group).gr_gid)
        os.chmod(sock_path, 0o660)
        listener.listen(64)

        # What privsep-helper imports for any of the project's contexts, and what its daemons import on their first calls.
        from oslo_privsep import daemon as privsep_daemon
        package = importlib.import_module(group + ".privileged")
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            try:
                importlib.import_module(module.name)
            except Exception as error:  # a module for a feature this node lacks: the daemon would fail the same way
                print("privsep-forker: not preloaded: %s: %s" % (module.name, error), file=sys.stderr)
        gc.collect()
        gc.freeze()  # the collector no longer touches (and so copies) the preloaded objects in the children
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children exit once their daemon is running: reap them
        print("privsep-forker: %d modules loaded, serving %s" % (len(sys.modules), sock_path), file=sys.stderr, flush=True)


        def serve(conn):
            in_daemon = False

            def entered_daemon():
                nonlocal in_daemon
                in_daemon = True
                conn.close()

            try:
                request = b""
                while not request.endswith(b"\n"):
                    chunk = conn.recv(65536)
                    if not chunk:
                        os._exit(1)
                    request += chunk
                sys.argv = ["privsep-helper"] + json.loads(request)
                os.register_at_fork(after_in_child=entered_daemon)
                privsep_daemon.helper_main()  # returns in this process once the daemon is forked and connected
            except SystemExit as exit:
                if in_daemon:
                    os._exit(exit.code if isinstance(exit.code, int) else 1)
                conn.sendall(("error: privsep-helper exited: %s\n" % exit.code).encode())
                os._exit(1)
            except BaseException as error:
                if in_daemon:
                    traceback.print_exc()
                    os._exit(1)
                conn.sendall(("error: %s: %s\n" % (type(error).__name__, error)).encode())
                os._exit(1)
            if in_daemon:
                os._exit(0)
            conn.sendall(b"ok\n")
            os._exit(0)


        while True:
            conn, _ = listener.accept()
            if os.fork() == 0:
                listener.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the daemon waits for the commands it runs
                serve(conn)
            conn.close()

        """;

    /// <summary>
    /// The client, run by the agent as the context's helper_command with <c>--privsep_context C --privsep_sock_path P</c>
    /// appended. It adds the agent's own config files (read from its parent's command line), as the stock helper command
    /// has them, and exits 0 once the daemon is connected; without a forker it runs the stock helper.
    /// </summary>
    public static string ClientScript => $"""
        #!/usr/bin/python3 -IS
        # dockstack: a privsep daemon from the forker (see dockstack-privsep.service), or the stock way if it is not there.
        import json
        import os
        import socket
        import sys
        import time

        parent = open("/proc/%d/cmdline" % os.getppid(), "rb").read().decode().split("\0")
        config = []
        for i, arg in enumerate(parent):
            if arg in ("--config-file", "--config-dir") and i + 1 < len(parent):
                config += [arg, parent[i + 1]]
            elif arg.startswith(("--config-file=", "--config-dir=")):
                config += arg.split("=", 1)
        argv = config + sys.argv[1:]

        deadline = time.monotonic() + 20
        while True:
            try:
                s = socket.socket(socket.AF_UNIX)
                s.connect("{Socket}")
                break
            except OSError as error:
                s.close()
                if time.monotonic() > deadline:
                    print("privsep-fork: no forker (%s): the stock helper" % error, file=sys.stderr)
                    os.execvp("sudo", ["sudo", "neutron-rootwrap", "/etc/neutron/rootwrap.conf", "privsep-helper"] + argv)
                time.sleep(0.1)
        s.sendall((json.dumps(argv) + "\n").encode())
        answer = b""
        while not answer.endswith(b"\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
        if answer.strip() != b"ok":
            print("privsep-fork: %s" % (answer.decode().strip() or "the forker closed the connection"), file=sys.stderr)
            sys.exit(1)

        """;
}
