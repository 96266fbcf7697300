/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enlist-ns.h: every XML namespace Enlist reads or writes, in one place, so
 * that a namespace is spelt once and a grep finds every user of it. */
#pragma once

/* RFC 6120: the stream, its errors, TLS, SASL, resource binding, stanzas. */
#define ENLIST_NS_CLIENT           "jabber:client"
#define ENLIST_NS_STREAMS          "http://etherx.jabber.org/streams"
#define ENLIST_NS_STREAM_ERRORS    "urn:ietf:params:xml:ns:xmpp-streams"
#define ENLIST_NS_TLS              "urn:ietf:params:xml:ns:xmpp-tls"
#define ENLIST_NS_SASL             "urn:ietf:params:xml:ns:xmpp-sasl"
#define ENLIST_NS_BIND             "urn:ietf:params:xml:ns:xmpp-bind"
#define ENLIST_NS_STANZAS          "urn:ietf:params:xml:ns:xmpp-stanzas"
#define ENLIST_NS_XML              "http://www.w3.org/XML/1998/namespace"

/* XEP-0440: SASL channel-binding type capability. */
#define ENLIST_NS_SASL_CB          "urn:xmpp:sasl-cb:0"

/* XEP-0030: service discovery. */
#define ENLIST_NS_DISCO_INFO       "http://jabber.org/protocol/disco#info"

/* XEP-0077: in-band registration, the query and the stream feature. */
#define ENLIST_NS_REGISTER         "jabber:iq:register"
#define ENLIST_NS_REGISTER_FEATURE "http://jabber.org/features/iq-register"

/* XEP-0004, XEP-0122, XEP-0221: data forms, their validation and media. */
#define ENLIST_NS_DATA_FORM        "jabber:x:data"
#define ENLIST_NS_XDATA_VALIDATE   "http://jabber.org/protocol/xdata-validate"
#define ENLIST_NS_MEDIA_ELEMENT    "urn:xmpp:media-element"

/* XEP-0231 bits of binary, XEP-0066 out-of-band data, XEP-0158 CAPTCHA. */
#define ENLIST_NS_BOB              "urn:xmpp:bob"
#define ENLIST_NS_OOB              "jabber:x:oob"
#define ENLIST_NS_CAPTCHA          "urn:xmpp:captcha"

/* XEP-0379 pre-authenticated roster subscription, XEP-0401 invitations and
 * their ibr-token stream feature. */
#define ENLIST_NS_PARS             "urn:xmpp:pars:0"
#define ENLIST_NS_IBR_TOKEN        "urn:xmpp:ibr-token:0"
#define ENLIST_NS_INVITE           "urn:xmpp:invite"
