#!/usr/bin/env python3
# cat.py OUT.collapsed [N]: share of CPU samples by syscall (kernel), JIT, SHA-256 and top user frames
import collections,sys
tot=0; c=collections.Counter()
for line in open(sys.argv[1]):
    st,n=line.rsplit(' ',1); n=int(n); tot+=n
    fr=st.split(';')
    s=';'.join(fr)
    if 'entry_SYSCALL_64_after_hwframe_[k]' in fr:
        i=fr.index('entry_SYSCALL_64_after_hwframe_[k]'); key='sys:'+(fr[i+2] if i+2<len(fr) else fr[-1])
    elif any(f.endswith('_[k]') for f in fr): key='kernel-other:'+[f for f in fr if f.endswith('_[k]')][0]
    elif 'C2Compiler' in s or 'Compile::' in s: key='JIT'
    elif 'sha256' in s or 'SHA2' in s: key='sha'
    else: key='user:'+fr[-1]
    c[key]+=n
print(tot)
for k,v in c.most_common(int(sys.argv[2]) if len(sys.argv)>2 else 25): print(f"{v*100/tot:5.1f}% {k}")
