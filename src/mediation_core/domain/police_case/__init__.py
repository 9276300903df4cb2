"""治安案件 with mediation: a station's own minor public-order case that may be settled by police
mediation (治安调解, 公安机关办理行政案件程序规定 ch. 10) or entrusted to the room, and always ends
with the station's decision on punishment (治安管理处罚法 art. 9; 程序规定 arts. 178–186)."""
