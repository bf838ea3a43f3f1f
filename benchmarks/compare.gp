# Charts for compare.sh; run in a results directory holding sweep_big256MiB.dat and sweep_small64KiB.dat
# (columns: conns stowage_mbps registry_mbps stowage_reqs registry_reqs stowage_p99 registry_p99).
set terminal pngcairo size 1100,450 font ",10"
set logscale x 2
set xlabel "connections"
set key top left
set grid
set datafile missing "NaN"

set output "throughput.png"
set multiplot layout 1,2 title "stowage vs docker-registry, throughput (127.0.0.1)"
set ylabel "MB/s"
set title "GET of one 256 MiB blob"
plot "sweep_big256MiB.dat" using 1:2 with linespoints lw 2 title "stowage", \
     "" using 1:3 with linespoints lw 2 title "docker-registry"
set ylabel "requests/s"
set title "GET of random 64 KiB blobs"
plot "sweep_small64KiB.dat" using 1:4 with linespoints lw 2 title "stowage", \
     "" using 1:5 with linespoints lw 2 title "docker-registry"
unset multiplot

set output "p99.png"
set multiplot layout 1,2 title "stowage vs docker-registry, p99 latency (127.0.0.1)"
set logscale y 10
set ylabel "p99 ms"
set title "GET of one 256 MiB blob"
plot "sweep_big256MiB.dat" using 1:6 with linespoints lw 2 title "stowage", \
     "" using 1:7 with linespoints lw 2 title "docker-registry"
set title "GET of random 64 KiB blobs"
plot "sweep_small64KiB.dat" using 1:6 with linespoints lw 2 title "stowage", \
     "" using 1:7 with linespoints lw 2 title "docker-registry"
unset multiplot
