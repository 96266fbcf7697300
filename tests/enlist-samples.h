/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-samples.h: registration forms captured from Prosody 0.12.3 and
 * ejabberd 23.01 (the shared sample captures), for the tests that parse them. */
#pragma once

/* A server's stream header, to wrap the captures in. */
#define STREAM_HEADER \
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' " \
  "xmlns:stream='http://etherx.jabber.org/streams' from='localhost' id='s1' " \
  "version='1.0' xml:lang='en'>"

static const char PROSODY_REGISTER_FORM[] =
  "<iq type='result' id='rig1'><query xmlns='jabber:iq:register'><instructions>Choose a use"
  "rname and password for use with this service.</instructions><username/><password/><x typ"
  "e='form' xmlns='jabber:x:data'><title>Creating a new account</title><instructions>Choose"
  " a username and password for use with this service.</instructions><field type='hidden' v"
  "ar='FORM_TYPE'><value>jabber:iq:register</value></field><field type='text-single' label="
  "'Username' var='username'><required/></field><field type='text-private' label='Password'"
  " var='password'><required/></field></x></query></iq>";

static const char EJABBERD_REGISTER_FORM[] =
  "<iq xml:lang='en' from='localhost' type='result' id='rig1'><query xmlns='jabber:iq:regis"
  "ter'><x type='form' xmlns='jabber:x:data'><instructions>Choose a username and password t"
  "o register with this server</instructions><field var='FORM_TYPE' type='hidden'><value>ja"
  "bber:iq:register</value></field><field var='username' type='text-single' label='User'><r"
  "equired/></field><field var='password' type='text-private' label='Password'><required/><"
  "/field><field var='captcha-fallback-text' type='fixed'><value>If you don&apos;t see the "
  "CAPTCHA image here, visit the web page.</value></field><field var='captcha-fallback-url'"
  " type='text-single' label='CAPTCHA web page'><value>http://127.0.0.1:25280/captcha/46527"
  "77599156484336/image</value></field><field var='from' type='hidden' label='Attribute &ap"
  "os;to&apos; of stanza that triggered challenge'><value>localhost</value></field><field v"
  "ar='challenge' type='hidden' label='Challenge ID'><required/><value>4652777599156484336<"
  "/value></field><field var='sid' type='hidden' label='Stanza ID'><value>rig1</value></fie"
  "ld><field var='ocr' type='text-single' label='Enter the text you see'><media xmlns='urn:"
  "xmpp:media-element'><uri type='image/png'>cid:sha1+71ff39c5ae0c76b3cbe9ed66dffa67a3901ac"
  "d84@bob.xmpp.org</uri></media><required/></field></x><data type='image/png' max-age='0' "
  "cid='sha1+71ff39c5ae0c76b3cbe9ed66dffa67a3901acd84@bob.xmpp.org' xmlns='urn:xmpp:bob'>iV"
  "BORw0KGgoAAAANSUhEUgAAALQAAAA8CAAAAADqRc9bAAAEjUlEQVRo3u2ZfUxVZRzHP5eXC3IxIOVarO4li2GCtk"
  "zpqkTZC+IKnc7SZmyJEBRWay0pZ62W2dbLelmu0cuqZX/UAnPF9A8JN5m8tGYyVyoY3EAbNBkECJcrPP1xzj33hX"
  "vPC7142873n/M83+f7fJ/vnvO75zxn1yL4/yHmcgcwQ0czzNBmaDN0FMAMbYY2Q0cBzNDRELrMEojN/oGDpdmpid"
  "eu3N3pp0Tb6xsXpcXPdq7Z7dZyGKl/vjgnzTpr3oonjgrt1cJARMa2IOEmH30u30dZd3pl7mBGwD5UDKk6XIoP4F"
  "ztGquFg/Hy6HM1+ZoTe8rlneo87xdM1dxxQXWbvAGdlvwWwwlmUNMP9wDEzAbg04/CSY5X6Lf788GLhiPEaYzfdL"
  "evdbN0aT0ExOypSu59sg54qSRRHl+4seCGpO7ad8aB2vbFkR2A1OU5juQL7V95gO66h1S14aBR0xWhZBXAM0II4c"
  "0FqBVCCLF3fas8/r0F4BUVh8mnmyelltsJUK6i/YdqugngMYC4MoDvAHikLk8eX7UCoFvFIeYNl7yqoxqgz2gE4z"
  "V9FkjNlG4mwBEgqMrmA0zpM7sKIOVfD31pBEiW2rMB3J4QxTkApz63WoB8fVoDoZtWzrHa8547HUQOSZdBgKmzwR"
  "P6jwIUajgAor9x/RfANVu0tdPm6nq5xFaOy2QywGkhhBCvAdAQPKkUwKXmIIQQXQpv/1FLOx2634iuEYlcBvCoEE"
  "KMZwHwbdCcLwFij6k5BIa2P9UvtLR/4+nRslW63g7w/o4e74niDgBGA1WtWwF2LVdzCEBSUeFcdGp1l8eNj3+wv+"
  "7NAgLq4JQlxGBfwIwTVwJsmlJ1CC6P23q0tMbK48BJufF1AkCx1NkeEvqAf8IpO8B9ExoOQoiB6uodlbcCMH9AQ2"
  "sstB/vAdikMGPrfHHT1wI0KqrODIB7PVoOCn5wAlTq0hoPPZYE8KvUmfwwGyDhAXcpgG+DRLcDYK1H20HBTzHArD"
  "FdWsOhxQKANqXrPlLfOiyEC7D6duS36wA2TOhzkJEHcEyf1g+tU56MEQCb0nU4AIaOAwvlI/35O7uAzZ/H6XOQ4W"
  "wjzOEjvNYPfY+8jl6Aq0PYTzzAPVK7765OoGRfnCEHegES9WkDEPkmKB9NwlsEsFiuOB97JgVA+lz6Ixdg26Qeh/"
  "phhT5sUSwirGa0PN6t21K0IBYmGl9sAZC/NWsObV8dB+KbqiGgYBEAq08CaXN2+ubmlER2eOHMmsIl2UmInpq3BW"
  "DPVVnN6E6/DCRk5l5vlYQZoxL9FtjyNxTaAYiXnx2xIa7rVBxuAcA2L0HW7lJbbSY/RE+3r2Xbn6Swo75PW8veHJ"
  "iJA4z6Xv85z2pqQ6H37JF5OG86mfxZuc7pkRzA1WDTrVUQ+SY0368cZhyv+n8nTavkh9zcyt8VMnx5hHdoKMtUdM"
  "s+nlRfLSwsqv/Ydv3SM+i9In1pVhA73NwxaEvPWqrnLoV36PvZPXDRmuJcYtfWhoHF/JvZDG2GvvwwQ5uhzdBRAD"
  "O0GdoMHQUwQ/9X+Aum+JMO6ai40QAAAABJRU5ErkJggg==</data><instructions>You need a client tha"
  "t supports x:data and CAPTCHA to register</instructions></query></iq>";
