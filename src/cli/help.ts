// `certwalk --help`.
export const HELP = `certwalk: walks you through Windows certificate rotations, step by step, with rollback.

Usage
  certwalk [--sandbox DIR] [--transcript-dir DIR] [--lang LANG] [--ascii]
                                                       interactive walk-through (demo sandbox by default)
  certwalk list                                        the procedures
  certwalk plan PROCEDURE [--param key=value …]        print every step and the exact commands
  certwalk run PROCEDURE --yes [--param key=value …] [--journal FILE]
                                                       run unattended (each confirmation given by --yes;
                                                       refused for items done by hand, as in lync-manual)
  certwalk run PROCEDURE --check-only [--param key=value …]
                                                       of a procedure with items done by hand: its
                                                       read-only steps alone (lync-manual's last check)
  certwalk rollback --journal FILE --yes               undo every completed step of a session, in reverse
  certwalk resume [JOURNAL] [--yes]                    without JOURNAL: the sessions that did not finish;
                                                       with it: continue where it stopped (uncertain steps
                                                       are read back first)
  certwalk unlock NODE [--yes]                         who holds a node's lock; --yes breaks it
  certwalk transcripts [--json] [--transcript-dir DIR]  past sessions, newest first: time, procedure, user,
                                                       final state, transcript path
  certwalk sandbox init DIR [--workers N] [--force]    make a demo fleet of simulated Windows nodes
  certwalk sandbox show DIR [--node NAME] [--json]     print the simulated nodes' state (all of it with --json)
  certwalk sandbox fault DIR --program P [--match TEXT] [--node N] [--times N]
                                                       make the next matching command fail

Options
  --sandbox DIR          simulated nodes to work on: a sandbox \`certwalk sandbox init DIR\` made (default: the demo
                         sandbox in your state directory, made on first use)
  --hosts FILE           real Windows nodes: an inventory (JSON); this machine runs locally, others through
                         PowerShell remoting (Invoke-Command)
  --user DOMAIN\\NAME     credential for remoting; the password is asked for without echo and kept in memory only
  --transcript-dir DIR   where session transcripts (.log) and screen recordings (.cast) go
  -p, --param key=value  a procedure parameter (see \`certwalk plan PROCEDURE\` for the defaults)
  -y, --yes              confirm every destructive step up front (run, rollback)
  --concurrency N        workers handled at once in a fan-out (default 1: one after another)
  --on-failure MODE      when a worker fails: stop (start no other worker; default) or continue (the others go on)
  --lang LANG            the app's language: en, fr, zh (Simplified Chinese) or ko (default: from the locale, LC_ALL,
                         LC_MESSAGES, LANG; on Windows the display language)
  --ascii                draw ASCII only (automatic on consoles that cannot draw Unicode, e.g. Windows conhost;
                         CERTWALK_ASCII=1 does the same)
  --unicode              draw Unicode symbols even where certwalk would choose ASCII
  -h, --help             this text
`;
