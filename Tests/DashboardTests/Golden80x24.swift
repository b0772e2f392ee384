// Golden frames at 80×24: check them by eye, they are the product's face.
// Regenerate by printing `GoldenScenario.render` after an intended change.

extension Golden {
    static let empty80x24 = """
        rtmp-top 0.2.0  Listen: 0.0.0.0:1935  Uptime: 1h02m
        Connections: 0  Streams: 0  In: 0 b/s  Out: 0 b/s
        Recording to: recordings  Received: 0 B  Sent: 0 B

          No streams yet. Publish one with:

            ffmpeg -re -i FILE -c copy -f flv rtmp://127.0.0.1:1935/live/test

          and watch it with:

            ffplay rtmp://127.0.0.1:1935/live/test

          Any rtmp://HOST:PORT/APP/NAME works; it shows up here as APP/NAME.




        ─ Events ───────────────────────────────────────────────────────────────────────
        21:11:15 listening on 0.0.0.0:1935




        F1 Help  Enter Detail  p Play  u URL  r Rec  F9/k Kick  / Filter  F10/q Quit
        """

    static let streams80x24 = """
        rtmp-top 0.2.0  Listen: 0.0.0.0:1935  Uptime: 1h02m
        Connections: 7  Streams: 3 (2 live, 1 waiting)  In: 8.6 Mb/s  Out: 14.6 Mb/s
        Recording to: recordings (1 active)  Received: 2.3 GiB  Sent: 1.8 GiB
        KEY▲         STAT HLTH VIDEO           AUDIO                  IN PLAY DROPS REC
        live/concert live ✓    H.264 1920x1080 AAC 48kHz 2ch    6.1 Mb/s    2     0 ●REC
        live/test    live ⚠2   H.264 1280x720  AAC 44.1kHz 2ch  2.5 Mb/s    1    12
        show/later   wait -    -               -                   0 b/s    1     0










        ─ Events ───────────────────────────────────────────────────────────────────────
        22:11:20 play live/test by 127.0.0.1:5555
        22:12:15 play live/concert by [2001:db8::42]:53211
        22:12:38 play show/later by 10.0.0.7:40112
        22:13:03 recording live/concert
        22:13:17 player 8 dropped 12 frames
        F1 Help  Enter Detail  p Play  u URL  r Rec  F9/k Kick  / Filter  F10/q Quit
        """

    static let detail80x24 = """
        rtmp-top 0.2.0  Listen: 0.0.0.0:1935  Uptime: 1h02m
        Connections: 7  Streams: 3 (2 live, 1 waiting)  In: 8.6 Mb/s  Out: 14.6 Mb/s
        Recording to: recordings (1 active)  Received: 2.3 GiB  Sent: 1.8 GiB
        Stream   live/concert  live for 52m05s  from 192.168.1.20:50432 (FMLE/3.0 (comp…
        Video    H.264 High@L4.1 1920x1080 30fps  5.8 Mb/s  1562 keyframes, 93750 frames
        Audio    AAC LC 48kHz 2ch  305 kb/s  146875 frames
        Traffic  in 6.1 Mb/s  out 12.2 Mb/s  received 2.2 GiB  players 2  drops 0  GOP …
        Record   ●REC 12.0 MiB 16s  recordings/live_concert-20231114-211112.flv
        Bitrate  ▇▄▂▆▄█▆▃▇▅▃▇▄▂▆▄█▆▃▇▅▃▇▄▂▆▄█▆▃▇▅▃▇▄▂▆▄█▆▃▇▅▃▇▄▂▆▄█▆  peak 6.1 Mb/s
        Health   ✓ no findings (profile generic)

        ROLE  ID ADDRESS              CLIENT             BYTES   BITRATE     QUEUE DROPS
        pub    3 192.168.1.20:50432   FMLE/3.0 (com…   2.2 GiB  6.1 Mb/s         -     0
        play   7 192.168.1.31:61001   LNX 9,0,124,2    1.7 GiB  6.1 Mb/s  46.9 KiB     0
        play   9 [2001:db8::42]:53211 Lavf61.7.100    47.3 MiB  6.1 Mb/s       0 B     0


        ─ Events ───────────────────────────────────────────────────────────────────────
        22:11:20 play live/test by 127.0.0.1:5555
        22:12:15 play live/concert by [2001:db8::42]:53211
        22:12:38 play show/later by 10.0.0.7:40112
        22:13:03 recording live/concert
        22:13:17 player 8 dropped 12 frames
        F1 Help  Esc Back  p Play  u URL  r Rec  F9/k Kick  l Log  F10/q Quit
        """

    static let help80x24 = """
        rt┌─ rtmp-top keys ──────────────────────────────────────────────────────────┐
        Co│ Up Down PgUp PgDn  select a stream (a connection in detail)              │
        Re│ Home End           first / last row                                      │
        KE│ Enter              open the selected stream's detail                     │C
        li│ Esc                back; clears the filter; closes this help             │EC
        li│ p                  play the stream in ffplay (its log beside rtmp-top's) │
        sh│ u                  show its publish and play URLs, copy the play URL     │
          │ r                  start / stop recording the stream                     │
          │ k F9               kick: the publisher (detail: the selected row)        │
          │ k / t on a push    stop it (until t) / restart it or retry now           │
          │ e                  ask the publisher to reconnect (Enhanced RTMP only)   │
          │ y / other key      confirm / cancel a kick, push stop or reconnect       │
          │ s                  sort: key, bitrate, players, drops, live time         │
          │ /                  filter streams by key, address or client              │
          │ l                  show / hide the event log                             │
          │ ? F1 h             this help                                             │
          │ q F10              quit (recordings are finalised)                       │
        ─ │ mouse click        select a row                                          │──
        22│                                                                          │
        22│ Sorted by key. States: live = publishing,                                │
        22│ waiting = players but no publisher, idle = neither.                      │
        22│ HEALTH: ✓ no fault, ⚠N faults (the detail lists them).                   │
        22└──────────────────────────────────────────────────────────────────────────┘
        Esc Close help
        """

    static let kickConfirmation80x24 = """
        rtmp-top 0.2.0  Listen: 0.0.0.0:1935  Uptime: 1h02m
        Connections: 7  Streams: 3 (2 live, 1 waiting)  In: 8.6 Mb/s  Out: 14.6 Mb/s
        Recording to: recordings (1 active)  Received: 2.3 GiB  Sent: 1.8 GiB
        Stream   live/test  live for 3m05s  from 127.0.0.1:51000 (Lavf61.7.100)
        Video    H.264 Main@L3.1 1280x720 29.97fps  2.4 Mb/s  92 keyframes, 5550 frames
        Audio    AAC LC 44.1kHz 2ch  125 kb/s  8695 frames
        Traffic  in 2.5 Mb/s  out 2.4 Mb/s  received 55.1 MiB  players 1  drops 12  GOP…
        Record   not recording  (r starts)
        Bitrate  ▂▆▄█▆▃▇▅▃▇▄▂▆▄█▆▃▇▅▃  peak 2.5 Mb/s
        Health   ⚠ keyframe_interval  keyframe every 12.0 s (at most 10.0 s)  2m05s ago…

        ROLE  ID ADDRESS         CLIENT         TIME     BYTES   BITRATE     QUEUE DROPS
        pub    5 127.0.0.1:51000 Lavf61.7.100  3m06s  55.1 MiB  2.5 Mb/s         -     0
        play   8 127.0.0.1:5555  Lavf61.7.100  2m00s  34.4 MiB  2.4 Mb/s 256.0 KiB    12



        ─ Events ───────────────────────────────────────────────────────────────────────
        22:12:15 play live/concert by [2001:db8::42]:53211
        22:12:38 play show/later by 10.0.0.7:40112
        22:13:03 recording live/concert
        22:13:17 player 8 dropped 12 frames
        Kick connection 8 (player 127.0.0.1:5555)? y/n
        y Kick  n Cancel
        """

    static let filterEditing80x24 = """
        rtmp-top 0.2.0  Listen: 0.0.0.0:1935  Uptime: 1h02m
        Connections: 7  Streams: 3 (2 live, 1 waiting)  In: 8.6 Mb/s  Out: 14.6 Mb/s
        Recording to: recordings (1 active)  Received: 2.3 GiB  Sent: 1.8 GiB
        KEY▲         STAT HLTH VIDEO           AUDIO                  IN PLAY DROPS REC
        live/concert live ✓    H.264 1920x1080 AAC 48kHz 2ch    6.1 Mb/s    2     0 ●REC
        live/test    live ⚠2   H.264 1280x720  AAC 44.1kHz 2ch  2.5 Mb/s    1    12











        ─ Events ───────────────────────────────────────────────────────────────────────
        22:12:15 play live/concert by [2001:db8::42]:53211
        22:12:38 play show/later by 10.0.0.7:40112
        22:13:03 recording live/concert
        22:13:17 player 8 dropped 12 frames
        Filter: liv   2 of 3 streams
        Enter Done  Esc Clear  Up/Down Select
        """

    static let streamsASCII80x24 = """
        rtmp-top 0.2.0  Listen: 0.0.0.0:1935  Uptime: 1h02m
        Connections: 7  Streams: 3 (2 live, 1 waiting)  In: 8.6 Mb/s  Out: 14.6 Mb/s
        Recording to: recordings (1 active)  Received: 2.3 GiB  Sent: 1.8 GiB
        KEY^         STAT HLTH VIDEO           AUDIO                  IN PLAY DROPS REC
        live/concert live ok   H.264 1920x1080 AAC 48kHz 2ch    6.1 Mb/s    2     0 *REC
        live/test    live !2   H.264 1280x720  AAC 44.1kHz 2ch  2.5 Mb/s    1    12
        show/later   wait -    -               -                   0 b/s    1     0










        - Events -----------------------------------------------------------------------
        22:11:20 play live/test by 127.0.0.1:5555
        22:12:15 play live/concert by [2001:db8::42]:53211
        22:12:38 play show/later by 10.0.0.7:40112
        22:13:03 recording live/concert
        22:13:17 player 8 dropped 12 frames
        F1 Help  Enter Detail  p Play  u URL  r Rec  F9/k Kick  / Filter  F10/q Quit
        """

    static let detailASCII80x24 = """
        rtmp-top 0.2.0  Listen: 0.0.0.0:1935  Uptime: 1h02m
        Connections: 7  Streams: 3 (2 live, 1 waiting)  In: 8.6 Mb/s  Out: 14.6 Mb/s
        Recording to: recordings (1 active)  Received: 2.3 GiB  Sent: 1.8 GiB
        Stream   live/concert  live for 52m05s  from 192.168.1.20:50432 (FMLE/3.0 (comp~
        Video    H.264 High@L4.1 1920x1080 30fps  5.8 Mb/s  1562 keyframes, 93750 frames
        Audio    AAC LC 48kHz 2ch  305 kb/s  146875 frames
        Traffic  in 6.1 Mb/s  out 12.2 Mb/s  received 2.2 GiB  players 2  drops 0  GOP ~
        Record   *REC 12.0 MiB 16s  recordings/live_concert-20231114-211112.flv
        Bitrate  *-.+-#+:*=:*-.+-#+:*=:*-.+-#+:*=:*-.+-#+:*=:*-.+-#+  peak 6.1 Mb/s
        Health   ok no findings (profile generic)

        ROLE  ID ADDRESS              CLIENT             BYTES   BITRATE     QUEUE DROPS
        pub    3 192.168.1.20:50432   FMLE/3.0 (com~   2.2 GiB  6.1 Mb/s         -     0
        play   7 192.168.1.31:61001   LNX 9,0,124,2    1.7 GiB  6.1 Mb/s  46.9 KiB     0
        play   9 [2001:db8::42]:53211 Lavf61.7.100    47.3 MiB  6.1 Mb/s       0 B     0


        - Events -----------------------------------------------------------------------
        22:11:20 play live/test by 127.0.0.1:5555
        22:12:15 play live/concert by [2001:db8::42]:53211
        22:12:38 play show/later by 10.0.0.7:40112
        22:13:03 recording live/concert
        22:13:17 player 8 dropped 12 frames
        F1 Help  Esc Back  p Play  u URL  r Rec  F9/k Kick  l Log  F10/q Quit
        """

    static let logHidden80x24 = """
        rtmp-top 0.2.0  Listen: 0.0.0.0:1935  Uptime: 1h02m
        Connections: 7  Streams: 3 (2 live, 1 waiting)  In: 8.6 Mb/s  Out: 14.6 Mb/s
        Recording to: recordings (1 active)  Received: 2.3 GiB  Sent: 1.8 GiB
        KEY▲         STAT HLTH VIDEO           AUDIO                  IN PLAY DROPS REC
        live/concert live ✓    H.264 1920x1080 AAC 48kHz 2ch    6.1 Mb/s    2     0 ●REC
        live/test    live ⚠2   H.264 1280x720  AAC 44.1kHz 2ch  2.5 Mb/s    1    12
        show/later   wait -    -               -                   0 b/s    1     0
















        F1 Help  Enter Detail  p Play  u URL  r Rec  F9/k Kick  / Filter  F10/q Quit
        """
}
