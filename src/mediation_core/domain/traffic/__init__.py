"""Road traffic accident compensation disputes and "1+4" joint mediation: traffic police
mediation (道路交通事故处理程序规定 arts. 84–94) or people's mediation with the insurer notified
(公通字〔2010〕29号), joint sessions recording which of the four bodies took part."""
