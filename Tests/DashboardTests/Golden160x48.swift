// Golden frames at 160×48: check them by eye, they are the product's face.
// Regenerate by printing `GoldenScenario.render` after an intended change.

extension Golden {
    static let empty160x48 = """
        rtmp-top 0.2.0  Listen: 0.0.0.0:1935  Uptime: 1h02m
        Connections: 0  Streams: 0  In: 0 b/s  Out: 0 b/s
        Recording to: recordings  Received: 0 B  Sent: 0 B

          No streams yet. Publish one with:

            ffmpeg -re -i FILE -c copy -f flv rtmp://127.0.0.1:1935/live/test

          and watch it with:

            ffplay rtmp://127.0.0.1:1935/live/test

          Any rtmp://HOST:PORT/APP/NAME works; it shows up here as APP/NAME.






















        ─ Events ───────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
        21:11:15 listening on 0.0.0.0:1935










        F1 Help  Enter Detail  p Play  u URL  r Rec  F9/k Kick  s Sort  / Filter  l Log  F10/q Quit
        """

    static let streams160x48 = """
        rtmp-top 0.2.0  Listen: 0.0.0.0:1935  Uptime: 1h02m
        Connections: 7  Streams: 3 (2 live, 1 waiting)  In: 8.6 Mb/s  Out: 14.6 Mb/s
        Recording to: recordings (1 active)  Received: 2.3 GiB  Sent: 1.8 GiB
        KEY▲         STATE   HEALTH PUBLISHER                VIDEO                   AUDIO                  IN       OUT PLAYERS DROPS REC             LIVE HISTORY
        live/concert live    ✓      192.168.1.20:50432 FMLE… H.264 1920x1080 30fps   AAC 48kHz 2ch    6.1 Mb/s 12.2 Mb/s       2     0 ●REC 12.0 MiB 52m05s ▆▃▇▅▃▇▄▂▆▄█▆
        live/test    live    ⚠2     127.0.0.1:51000 Lavf61.… H.264 1280x720 29.97fps AAC 44.1kHz 2ch  2.5 Mb/s  2.4 Mb/s       1    12                3m05s ▃▇▄▂▆▄█▆▃▇▅▃
        show/later   waiting -      -                        -                       -                   0 b/s     0 b/s       1     0                    -




























        ─ Events ───────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
        21:11:15 listening on 0.0.0.0:1935
        21:21:10 connect 192.168.1.20:50432 app=live
        21:21:15 publish live/concert from 192.168.1.20:50432
        21:33:20 play live/concert by 192.168.1.31:61001
        22:10:14 connect 127.0.0.1:51000 app=live
        22:10:15 publish live/test from 127.0.0.1:51000
        22:11:20 play live/test by 127.0.0.1:5555
        22:12:15 play live/concert by [2001:db8::42]:53211
        22:12:38 play show/later by 10.0.0.7:40112
        22:13:03 recording live/concert
        22:13:17 player 8 dropped 12 frames
        F1 Help  Enter Detail  p Play  u URL  r Rec  F9/k Kick  s Sort  / Filter  l Log  F10/q Quit
        """

    static let detail160x48 = """
        rtmp-top 0.2.0  Listen: 0.0.0.0:1935  Uptime: 1h02m
        Connections: 7  Streams: 3 (2 live, 1 waiting)  In: 8.6 Mb/s  Out: 14.6 Mb/s
        Recording to: recordings (1 active)  Received: 2.3 GiB  Sent: 1.8 GiB
        Stream   live/concert  live for 52m05s  from 192.168.1.20:50432 (FMLE/3.0 (compatible; FMSc/1.0))
        Video    H.264 High@L4.1 1920x1080 30fps  5.8 Mb/s  1562 keyframes, 93750 frames
        Audio    AAC LC 48kHz 2ch  305 kb/s  146875 frames
        Traffic  in 6.1 Mb/s  out 12.2 Mb/s  received 2.2 GiB  players 2  drops 0  GOP cache 60 frames, 1.2 MiB
        Record   ●REC 12.0 MiB 16s  recordings/live_concert-20231114-211112.flv
        Bitrate  ▂▆▄█▆▃▇▅▃▇▄▂▆▄█▆▃▇▅▃▇▄▂▆▄█▆▃▇▅▃▇▄▂▆▄█▆▃▇▅▃▇▄▂▆▄█▆▃▇▅▃▇▄▂▆▄█▆  peak 6.1 Mb/s


        Health   ✓ no findings (profile generic)
        Figures  GOP 2.0 s (2.0-2.0 s, mean 2.0 s, 60 frames)  30fps (declared 30fps)  pace 1.00x  A/V +23 ms  jitter 0.4 ms
        Keyframe ·█·█·█·█·█·█·█·█·█·█·█·█·█·█·█·█·█·█·█·█·█·█·█·█·█·█·█·█·█·█  30 in the last 60s
        Video in ▂▆▄█▆▃▇▅▃▇▄▂▆▄█▆▃▇▅▃▇▄▂▆▄█▆▃▇▅▃▇▄▂▆▄█▆▃▇▅▃▇▄▂▆▄█▆▃▇▅▃▇▄▂▆▄█▆  peak 5.8 Mb/s
        Audio in ▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅  peak 317 kb/s

        ROLE      ID ADDRESS              CLIENT                          CONNECTED     BYTES   BITRATE     QUEUE  MSGS DROPS
        publisher  3 192.168.1.20:50432   FMLE/3.0 (compatible; FMSc/1.0)    52m10s   2.2 GiB  6.1 Mb/s         -     -     0
        player     7 192.168.1.31:61001   LNX 9,0,124,2                      40m00s   1.7 GiB  6.1 Mb/s  46.9 KiB    12     0
        player     9 [2001:db8::42]:53211 Lavf61.7.100                        1m05s  47.3 MiB  6.1 Mb/s       0 B     0     0














        ─ Events ───────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
        21:11:15 listening on 0.0.0.0:1935
        21:21:10 connect 192.168.1.20:50432 app=live
        21:21:15 publish live/concert from 192.168.1.20:50432
        21:33:20 play live/concert by 192.168.1.31:61001
        22:10:14 connect 127.0.0.1:51000 app=live
        22:10:15 publish live/test from 127.0.0.1:51000
        22:11:20 play live/test by 127.0.0.1:5555
        22:12:15 play live/concert by [2001:db8::42]:53211
        22:12:38 play show/later by 10.0.0.7:40112
        22:13:03 recording live/concert
        22:13:17 player 8 dropped 12 frames
        F1 Help  Esc Back  p Play  u URL  r Rec  F9/k Kick  l Log  F10/q Quit
        """

    static let help160x48 = """
        rtmp-top 0.2.0  Listen: 0.0.0.0:1935  Uptime: 1h02m
        Connections: 7  Streams: 3 (2 live, 1 waiting)  In: 8.6 Mb/s  Out: 14.6 Mb/s
        Recording to: recordings (1 active)  Received: 2.3 GiB  Sent: 1.8 GiB
        KEY▲         STATE   HEALTH PUBLISHER                VIDEO                   AUDIO                  IN       OUT PLAYERS DROPS REC             LIVE HISTORY
        live/concert live    ✓      192.168.1.20:50432 FMLE… H.264 1920x1080 30fps   AAC 48kHz 2ch    6.1 Mb/s 12.2 Mb/s       2     0 ●REC 12.0 MiB 52m05s ▆▃▇▅▃▇▄▂▆▄█▆
        live/test    live    ⚠2     127.0.0.1:51000 Lavf61.… H.264 1280x720 29.97fps AAC 44.1kHz 2ch  2.5 Mb/s  2.4 Mb/s       1    12                3m05s ▃▇▄▂▆▄█▆▃▇▅▃
        show/later   waiting -      -                        -                       -                   0 b/s     0 b/s       1     0                    -





                                                  ┌─ rtmp-top keys ──────────────────────────────────────────────────────────┐
                                                  │ Up Down PgUp PgDn  select a stream (a connection in detail)              │
                                                  │ Home End           first / last row                                      │
                                                  │ Enter              open the selected stream's detail                     │
                                                  │ Esc                back; clears the filter; closes this help             │
                                                  │ p                  play the stream in ffplay (its log beside rtmp-top's) │
                                                  │ u                  show its publish and play URLs, copy the play URL     │
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
                                                  │ mouse click        select a row                                          │
                                                  │                                                                          │
                                                  │ Sorted by key. States: live = publishing,                                │
                                                  │ waiting = players but no publisher, idle = neither.                      │
                                                  │ HEALTH: ✓ no fault, ⚠N faults (the detail lists them).                   │
                                                  └──────────────────────────────────────────────────────────────────────────┘
        ─ Events ───────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
        21:11:15 listening on 0.0.0.0:1935
        21:21:10 connect 192.168.1.20:50432 app=live
        21:21:15 publish live/concert from 192.168.1.20:50432
        21:33:20 play live/concert by 192.168.1.31:61001
        22:10:14 connect 127.0.0.1:51000 app=live
        22:10:15 publish live/test from 127.0.0.1:51000
        22:11:20 play live/test by 127.0.0.1:5555
        22:12:15 play live/concert by [2001:db8::42]:53211
        22:12:38 play show/later by 10.0.0.7:40112
        22:13:03 recording live/concert
        22:13:17 player 8 dropped 12 frames
        Esc Close help
        """

    static let kickConfirmation160x48 = """
        rtmp-top 0.2.0  Listen: 0.0.0.0:1935  Uptime: 1h02m
        Connections: 7  Streams: 3 (2 live, 1 waiting)  In: 8.6 Mb/s  Out: 14.6 Mb/s
        Recording to: recordings (1 active)  Received: 2.3 GiB  Sent: 1.8 GiB
        Stream   live/test  live for 3m05s  from 127.0.0.1:51000 (Lavf61.7.100)
        Video    H.264 Main@L3.1 1280x720 29.97fps  2.4 Mb/s  92 keyframes, 5550 frames
        Audio    AAC LC 44.1kHz 2ch  125 kb/s  8695 frames
        Traffic  in 2.5 Mb/s  out 2.4 Mb/s  received 55.1 MiB  players 1  drops 12  GOP cache 60 frames, 1.2 MiB
        Record   not recording  (r starts)
        Bitrate  ▂▆▄█▆▃▇▅▃▇▄▂▆▄█▆▃▇▅▃  peak 2.5 Mb/s
        Health   ⚠ 2 faults, 1 note (profile generic)
                 ⚠ keyframe_interval  keyframe every 12.0 s (at most 10.0 s)  2m05s ago
                 ⚠ av_interleave  audio is 1.2 s ahead of video as they arrive  40s ago, last 12s ago  +1 more
        Figures  GOP 12.0 s (2.0-12.0 s, mean 12.0 s, 359 frames)  29.97fps (declared 29.97fps)  pace 1.00x  A/V +23 ms  jitter 0.4 ms
        Keyframe ···········█···········█···········█···········█···········█  5 in the last 60s
        Video in                                         ▂▆▄█▆▃▇▅▃▇▄▂▆▄█▆▃▇▅▃  peak 2.4 Mb/s
        Audio in                                         ▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅  peak 130 kb/s

        ROLE      ID ADDRESS         CLIENT       CONNECTED     BYTES   BITRATE     QUEUE  MSGS DROPS
        publisher  5 127.0.0.1:51000 Lavf61.7.100     3m06s  55.1 MiB  2.5 Mb/s         -     -     0
        player     8 127.0.0.1:5555  Lavf61.7.100     2m00s  34.4 MiB  2.4 Mb/s 256.0 KiB    80    12















        ─ Events ───────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
        21:21:10 connect 192.168.1.20:50432 app=live
        21:21:15 publish live/concert from 192.168.1.20:50432
        21:33:20 play live/concert by 192.168.1.31:61001
        22:10:14 connect 127.0.0.1:51000 app=live
        22:10:15 publish live/test from 127.0.0.1:51000
        22:11:20 play live/test by 127.0.0.1:5555
        22:12:15 play live/concert by [2001:db8::42]:53211
        22:12:38 play show/later by 10.0.0.7:40112
        22:13:03 recording live/concert
        22:13:17 player 8 dropped 12 frames
        Kick connection 8 (player 127.0.0.1:5555)? y/n
        y Kick  n Cancel
        """

    static let filterEditing160x48 = """
        rtmp-top 0.2.0  Listen: 0.0.0.0:1935  Uptime: 1h02m
        Connections: 7  Streams: 3 (2 live, 1 waiting)  In: 8.6 Mb/s  Out: 14.6 Mb/s
        Recording to: recordings (1 active)  Received: 2.3 GiB  Sent: 1.8 GiB
        KEY▲         STATE   HEALTH PUBLISHER                VIDEO                   AUDIO                  IN       OUT PLAYERS DROPS REC             LIVE HISTORY
        live/concert live    ✓      192.168.1.20:50432 FMLE… H.264 1920x1080 30fps   AAC 48kHz 2ch    6.1 Mb/s 12.2 Mb/s       2     0 ●REC 12.0 MiB 52m05s ▆▃▇▅▃▇▄▂▆▄█▆
        live/test    live    ⚠2     127.0.0.1:51000 Lavf61.… H.264 1280x720 29.97fps AAC 44.1kHz 2ch  2.5 Mb/s  2.4 Mb/s       1    12                3m05s ▃▇▄▂▆▄█▆▃▇▅▃





























        ─ Events ───────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
        21:21:10 connect 192.168.1.20:50432 app=live
        21:21:15 publish live/concert from 192.168.1.20:50432
        21:33:20 play live/concert by 192.168.1.31:61001
        22:10:14 connect 127.0.0.1:51000 app=live
        22:10:15 publish live/test from 127.0.0.1:51000
        22:11:20 play live/test by 127.0.0.1:5555
        22:12:15 play live/concert by [2001:db8::42]:53211
        22:12:38 play show/later by 10.0.0.7:40112
        22:13:03 recording live/concert
        22:13:17 player 8 dropped 12 frames
        Filter: liv   2 of 3 streams
        Enter Done  Esc Clear  Up/Down Select
        """
}
