"""110 dispatches (110接处警) a room's mediator goes out on (同步介入 / 随警调解): the call, the
officers and the mediator, and what came of it — settled on the scene (a case registered and
concluded the same day), handed to the room (a referral), or left as a police matter."""
