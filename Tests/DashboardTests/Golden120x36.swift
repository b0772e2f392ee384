// Golden frames at 120×36, the size of the end-to-end test and the
// screenshots: check them by eye, they are the product's face.
// Regenerate by printing `GoldenScenario.render` after an intended change.

extension Golden {
    static let streams120x36 = """
        rtmp-top 0.2.0  Listen: 0.0.0.0:1935  Uptime: 1h02m
        Connections: 7  Streams: 3 (2 live, 1 waiting)  In: 8.6 Mb/s  Out: 14.6 Mb/s
        Recording to: recordings (1 active)  Received: 2.3 GiB  Sent: 1.8 GiB
        KEY▲         STATE   HLTH VIDEO             AUDIO                  IN       OUT PLAY DROPS REC             LIVE HISTORY
        live/concert live    ✓    H.264 1920x1080   AAC 48kHz 2ch    6.1 Mb/s 12.2 Mb/s    2     0 ●REC 12.0 MiB 52m05s ▃▇▄▂▆▄█▆
        live/test    live    ⚠2   H.264 1280x720    AAC 44.1kHz 2ch  2.5 Mb/s  2.4 Mb/s    1    12                3m05s ▆▃█▅▃▇▅▂
        show/later   waiting -    -                 -                   0 b/s     0 b/s    1     0                    -



















        ─ Events ───────────────────────────────────────────────────────────────────────────────────────────────────────────────
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

    static let detail120x36 = """
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





        ─ Events ───────────────────────────────────────────────────────────────────────────────────────────────────────────────
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
}
